/// The welcome message an administrator's "Send welcome message" form starts on (the Concord
/// Notifications tab's Welcome Messages: none, general account information, or that plus a link
/// to set a password). Welcome messages are never sent on their own at user creation.
public enum WelcomeMessageDefault: String, Codable, Sendable, CaseIterable {
    case none
    case welcome
    case welcomeWithCredentials = "welcome_with_credentials"
}

extension Settings {
    /// Which welcome message the user page preselects.
    public static let welcomeMessageDefault = SettingKey("notifications.welcome_default", default: WelcomeMessageDefault.welcomeWithCredentials)
}
