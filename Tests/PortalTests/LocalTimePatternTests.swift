import Foundation
import Testing
@testable import Web

/// `LocalTimePattern` writes what `DateFormatter` writes for every date and time format the
/// settings allow, in zones with daylight saving, half-hour and 45-minute offsets, around
/// their transitions and across decades.
@Suite("Local time patterns")
struct LocalTimePatternTests {
    static let dateFormats = ["yyyy-MM-dd", "MM/dd/yyyy", "dd/MM/yyyy", "dd.MM.yyyy", "d MMM yyyy", "MMM d, yyyy"]
    static let timeFormats = ["HH:mm", "h:mm a"]
    static let zones = ["UTC", "America/New_York", "Europe/London", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata",
                        "Pacific/Chatham", "America/St_Johns", "America/Santiago", "Asia/Kathmandu"]

    /// Instants around every transition of 2025–2026 in `zone` (every 7 minutes from 3 hours
    /// before to 3 hours after), plus a spread over 1971–2037 with odd seconds.
    static func instants(in zone: TimeZone) -> [Date] {
        var dates: [Date] = []
        var cursor = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01
        let end = Date(timeIntervalSince1970: 1_798_761_600)  // 2027-01-01
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < end {
            for step in stride(from: -3 * 3600.0, through: 3 * 3600.0, by: 420) { dates.append(next.addingTimeInterval(step)) }
            dates.append(next.addingTimeInterval(-0.5))
            dates.append(next)
            cursor = next.addingTimeInterval(1)
        }
        var t = 31_536_000.0 + 0.75
        while t < 2_145_916_800 {
            dates.append(Date(timeIntervalSince1970: t))
            t += 3_600_017.3
        }
        return dates
    }

    @Test func everyAllowedFormatMatchesDateFormatterAcrossZonesAndTransitions() throws {
        for zoneName in Self.zones {
            let zone = try #require(TimeZone(identifier: zoneName))
            let dates = Self.instants(in: zone)
            for dateFormat in Self.dateFormats {
                for pattern in [dateFormat] + Self.timeFormats.map({ dateFormat + " " + $0 }) {
                    // setup
                    let reference = DateFormatter()
                    reference.locale = Locale(identifier: "en_US_POSIX")
                    reference.timeZone = zone
                    reference.dateFormat = pattern
                    let fast = try #require(LocalTimePattern(pattern), "\(pattern)")
                    let offsets = ZoneOffsets(timeZone: zone)
                    // act + check (in order, then newest first as a page lists them, sharing the offsets)
                    var mismatches: [String] = []
                    for date in dates + dates.reversed() where fast.string(from: date, offsets: offsets) != reference.string(from: date) {
                        mismatches.append("\(date.timeIntervalSince1970): \(fast.string(from: date, offsets: offsets)) ≠ \(reference.string(from: date))")
                    }
                    #expect(mismatches.isEmpty, "\(zoneName) \(pattern): \(mismatches.prefix(3))")
                }
            }
        }
    }

    @Test func patternsOutsideTheKnownFieldsAreLeftToDateFormatter() {
        for pattern in ["yyyy-MM-dd'T'HH", "EEEE d MMM", "MMMM d", "hh:mm", "yy-MM-dd", "HH:mm:ss", "d MMM yyyy G"] {
            #expect(LocalTimePattern(pattern) == nil, "\(pattern)")
        }
    }

    @Test func displayFormatUsesTheUsersZone() {
        // setup: 2026-07-01 18:30 UTC is 14:30 in New York (EDT) and 00:00 the next day in Kolkata
        let instant = Date(timeIntervalSince1970: 1_782_930_600)
        // act
        let newYork = DisplayFormat(timeZone: TimeZone(identifier: "America/New_York")!, dateFormat: "MM/dd/yyyy", timeFormat: "h:mm a")
        let kolkata = DisplayFormat(timeZone: TimeZone(identifier: "Asia/Kolkata")!, dateFormat: "d MMM yyyy", timeFormat: "HH:mm")
        // check
        #expect(newYork.dateTime(instant) == "07/01/2026 2:30 PM")
        #expect(kolkata.dateTime(instant) == "2 Jul 2026 00:00")
        #expect(newYork.dateTime(nil) == "")
    }
}
