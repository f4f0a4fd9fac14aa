import Foundation
import PagewireCore

/// Dates and times in the signed-in user's time zone and formats (their effective settings).
struct DisplayFormat: Sendable {
    let timeZone: TimeZone
    let dateFormat: String
    let timeFormat: String

    static func forUser(_ userID: Int64, settings: SettingsRepository) async throws -> DisplayFormat {
        let zone = try await settings.effective(Settings.timeZone, forUser: userID).value
        let date = try await settings.effective(Settings.dateFormat, forUser: userID).value
        let time = try await settings.effective(Settings.timeFormat, forUser: userID).value
        return DisplayFormat(timeZone: TimeZone(identifier: zone) ?? .gmt, dateFormat: date, timeFormat: time)
    }

    private func formatter(_ pattern: String) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = timeZone
        f.dateFormat = pattern
        return f
    }

    func dateTime(_ date: Date?) -> String {
        guard let date else { return "" }
        return formatter(dateFormat + " " + timeFormat).string(from: date)
    }

    func date(_ date: Date) -> String { formatter(dateFormat).string(from: date) }

    /// Short day label for chart axes.
    func dayLabel(_ date: Date) -> String { formatter("d MMM").string(from: date) }

    /// `yyyy-MM-dd` in the user's zone, for `<input type=date>` values.
    func isoDay(_ date: Date) -> String { formatter("yyyy-MM-dd").string(from: date) }

    /// The instant a `yyyy-MM-dd` day starts in the user's zone.
    func startOfDay(iso text: String) -> Date? { formatter("yyyy-MM-dd").date(from: text) }
}
