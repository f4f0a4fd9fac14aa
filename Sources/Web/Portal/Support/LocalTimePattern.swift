import Foundation

/// Formats instants in a time zone with one of the portal's date and time patterns
/// (`Settings.dateFormat`, `Settings.timeFormat`) without ICU: `DateFormatter.string(from:)`
/// cost several microseconds a call on Linux, fifty times per outbox page.
///
/// Knows the fields those patterns use — `yyyy`, `MM`, `MMM`, `dd`, `d`, `HH`, `h`, `mm`, `a` —
/// with en_US_POSIX names, and punctuation; any other pattern gets nil from `init` (the caller
/// keeps a `DateFormatter` for it). The zone's offset comes from `TimeZone` once per UTC day
/// when no transition falls inside that day, else for each instant. `DisplayFormatTests`
/// checks it against `DateFormatter` across zones and transitions.
struct LocalTimePattern: Sendable {
    enum Field: Sendable, Equatable {
        case year, month2, monthName, day2, day, hour24, hour12, minute2, amPM
        case literal(String)
    }

    let fields: [Field]

    init?(_ pattern: String) {
        var fields: [Field] = []
        var rest = Substring(pattern)
        let known: [(String, Field)] = [
            ("yyyy", .year), ("MMM", .monthName), ("MM", .month2), ("dd", .day2), ("d", .day),
            ("HH", .hour24), ("h", .hour12), ("mm", .minute2), ("a", .amPM),
        ]
        outer: while let first = rest.first {
            for (token, field) in known where rest.hasPrefix(token) {
                // A longer run of the same letter (yyyyy, MMMM, hh …) means something else.
                if rest.dropFirst(token.count).first == first { return nil }
                fields.append(field)
                rest = rest.dropFirst(token.count)
                continue outer
            }
            guard " -/.,:".contains(first) else { return nil }
            fields.append(.literal(String(first)))
            rest = rest.dropFirst()
        }
        self.fields = fields
    }

    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `date` in local time, with the zone's offset from `offsets`.
    func string(from date: Date, offsets: ZoneOffsets) -> String {
        let local = Int64((date.timeIntervalSince1970).rounded(.down)) + Int64(offsets.secondsFromGMT(for: date))
        var days = local / 86_400
        var seconds = local % 86_400
        if seconds < 0 { seconds += 86_400; days -= 1 }
        let (year, month, day) = Self.civil(fromDays: days)
        let hour = Int(seconds / 3600), minute = Int(seconds % 3600 / 60)
        var out = ""
        out.reserveCapacity(24)
        func twoDigits(_ n: Int) {
            if n < 10 { out.append("0") }
            out.append(String(n))
        }
        for field in fields {
            switch field {
            case .year:
                let y = String(year)
                if y.count < 4 { out.append(String(repeating: "0", count: 4 - y.count)) }
                out.append(y)
            case .month2: twoDigits(Int(month))
            case .monthName: out.append(Self.monthNames[Int(month) - 1])
            case .day2: twoDigits(Int(day))
            case .day: out.append(String(day))
            case .hour24: twoDigits(hour)
            case .hour12: out.append(String(hour % 12 == 0 ? 12 : hour % 12))
            case .minute2: twoDigits(minute)
            case .amPM: out.append(hour < 12 ? "AM" : "PM")
            case .literal(let text): out.append(text)
            }
        }
        return out
    }

    /// Year, month and day of a day count since 1970-01-01 (proleptic Gregorian).
    static func civil(fromDays count: Int64) -> (Int64, Int64, Int64) {
        let z = count + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (month <= 2 ? yearOfEra + era * 400 + 1 : yearOfEra + era * 400, month, day)
    }
}

/// A time zone's offsets from UTC, asked of `TimeZone` once per UTC day without a transition.
/// One per request (not shared between tasks).
final class ZoneOffsets: @unchecked Sendable {
    let timeZone: TimeZone
    private var days: [Int64: Int] = [:]

    init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    func secondsFromGMT(for date: Date) -> Int {
        let t = date.timeIntervalSince1970
        let day = Int64((t / 86_400).rounded(.down))
        if let offset = days[day] { return offset }
        let start = Date(timeIntervalSince1970: Double(day) * 86_400)
        let offset = timeZone.secondsFromGMT(for: start)
        // The day's offset holds for all of it only when the zone changes nowhere inside it.
        if let next = timeZone.nextDaylightSavingTimeTransition(after: start), next.timeIntervalSince1970 < Double(day + 1) * 86_400 {
            return timeZone.secondsFromGMT(for: date)
        }
        if days.count > 1000 { days.removeAll() }
        days[day] = offset
        return offset
    }
}
