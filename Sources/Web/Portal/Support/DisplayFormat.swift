import Foundation
import PagewireCore

/// Dates and times in the signed-in user's time zone and formats (their effective settings).
/// Made once per request. The settings' patterns are formatted by `LocalTimePattern`; the
/// `DateFormatter`s (costly to make on Linux) are made only when a page needs one.
struct DisplayFormat: @unchecked Sendable {
    let timeZone: TimeZone
    private let dateTimePattern: LocalTimePattern?
    private let datePattern: LocalTimePattern?
    private let offsets: ZoneOffsets
    private let formatters: Formatters

    /// The `DateFormatter`s, each made at its first use.
    private final class Formatters {
        let timeZone: TimeZone
        let dateTimeFormat: String
        let dateFormat: String
        init(timeZone: TimeZone, dateTimeFormat: String, dateFormat: String) {
            self.timeZone = timeZone
            self.dateTimeFormat = dateTimeFormat
            self.dateFormat = dateFormat
        }
        func make(_ pattern: String) -> DateFormatter {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = timeZone
            f.dateFormat = pattern
            return f
        }
        lazy var dateTime = make(dateTimeFormat)
        lazy var date = make(dateFormat)
        lazy var dayLabel = make("d MMM")
        lazy var iso = make("yyyy-MM-dd")
    }

    init(timeZone: TimeZone, dateFormat: String, timeFormat: String) {
        self.timeZone = timeZone
        let dateTimeFormat = dateFormat + " " + timeFormat
        dateTimePattern = LocalTimePattern(dateTimeFormat)
        datePattern = LocalTimePattern(dateFormat)
        offsets = ZoneOffsets(timeZone: timeZone)
        formatters = Formatters(timeZone: timeZone, dateTimeFormat: dateTimeFormat, dateFormat: dateFormat)
    }

    /// The settings a format is made of.
    static let settingNames = [Settings.timeZone.name, Settings.dateFormat.name, Settings.timeFormat.name]

    static func forUser(_ session: PortalSession, settings: SettingsRepository) async throws -> DisplayFormat {
        let json = try await settings.effectiveJSON(names: settingNames, forUser: session.user.id, accountPath: session.account.path)
        return forSettings(json)
    }

    /// The format for the effective locale settings `json` (`SettingsRepository.effectiveJSON`).
    static func forSettings(_ json: [String: String]) -> DisplayFormat {
        let zone = SettingsRepository.value(Settings.timeZone, in: json)
        return DisplayFormat(
            timeZone: TimeZone(identifier: zone) ?? .gmt,
            dateFormat: SettingsRepository.value(Settings.dateFormat, in: json),
            timeFormat: SettingsRepository.value(Settings.timeFormat, in: json))
    }

    func dateTime(_ date: Date?) -> String {
        guard let date else { return "" }
        if let dateTimePattern { return dateTimePattern.string(from: date, offsets: offsets) }
        return formatters.dateTime.string(from: date)
    }

    func date(_ date: Date) -> String {
        if let datePattern { return datePattern.string(from: date, offsets: offsets) }
        return formatters.date.string(from: date)
    }

    /// Short day label for chart axes.
    func dayLabel(_ date: Date) -> String { formatters.dayLabel.string(from: date) }

    /// `yyyy-MM-dd` in the user's zone, for `<input type=date>` values.
    func isoDay(_ date: Date) -> String { formatters.iso.string(from: date) }

    /// The instant a `yyyy-MM-dd` day starts in the user's zone.
    func startOfDay(iso text: String) -> Date? { text.isEmpty ? nil : formatters.iso.date(from: text) }
}
