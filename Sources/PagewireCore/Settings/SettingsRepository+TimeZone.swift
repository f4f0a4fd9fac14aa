import Foundation

extension SettingsRepository {
    /// The time zone a fax's times are shown in outside the portal (reports, notices): its
    /// user's effective one, or its node's for a shared queue's fax. The caller has already
    /// checked who may see the fax.
    public func timeZone(ofFax fax: FaxRecord) async throws -> TimeZone {
        let name = if let userID = fax.userID {
            try await effective(Settings.timeZone, forUser: userID).value
        } else {
            try await effective(Settings.timeZone, forAccount: fax.accountID, scope: AccountScope(rootID: 0, path: "/")).value
        }
        return TimeZone(identifier: name) ?? .gmt
    }
}
