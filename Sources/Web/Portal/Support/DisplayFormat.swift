import Foundation
import PagewireCore

/// Dates and times in the signed-in user's time zone and formats (their effective settings).
/// The formatters are made once per request (making one costs far more than using it).
struct DisplayFormat: @unchecked Sendable {
    let timeZone: TimeZone
    private let dateTimeFormatter: DateFormatter
    private let dateFormatter: DateFormatter
    private let dayLabelFormatter: DateFormatter
    private let isoFormatter: DateFormatter

    init(timeZone: TimeZone, dateFormat: String, timeFormat: String) {
        self.timeZone = timeZone
        func formatter(_ pattern: String) -> DateFormatter {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = timeZone
            f.dateFormat = pattern
            return f
        }
        dateTimeFormatter = formatter(dateFormat + " " + timeFormat)
        dateFormatter = formatter(dateFormat)
        dayLabelFormatter = formatter("d MMM")
        isoFormatter = formatter("yyyy-MM-dd")
    }

    static func forUser(_ session: PortalSession, settings: SettingsRepository) async throws -> DisplayFormat {
        let json = try await settings.effectiveJSON(
            names: [Settings.timeZone.name, Settings.dateFormat.name, Settings.timeFormat.name],
            forUser: session.user.id, accountPath: session.account.path)
        let zone = SettingsRepository.value(Settings.timeZone, in: json)
        return DisplayFormat(
            timeZone: TimeZone(identifier: zone) ?? .gmt,
            dateFormat: SettingsRepository.value(Settings.dateFormat, in: json),
            timeFormat: SettingsRepository.value(Settings.timeFormat, in: json))
    }

    func dateTime(_ date: Date?) -> String {
        guard let date else { return "" }
        return dateTimeFormatter.string(from: date)
    }

    func date(_ date: Date) -> String { dateFormatter.string(from: date) }

    /// Short day label for chart axes.
    func dayLabel(_ date: Date) -> String { dayLabelFormatter.string(from: date) }

    /// `yyyy-MM-dd` in the user's zone, for `<input type=date>` values.
    func isoDay(_ date: Date) -> String { isoFormatter.string(from: date) }

    /// The instant a `yyyy-MM-dd` day starts in the user's zone.
    func startOfDay(iso text: String) -> Date? { text.isEmpty ? nil : isoFormatter.date(from: text) }
}
