import Foundation

/// `password.reset_mail` work: issues a one-time link for the login the portal recorded (when it
/// names an active user) and e-mails it through the notice relay, in the brand of the user's
/// reseller or company. The link points at the user's own brand host when one is configured,
/// else at `web.public_url` — never at the host a request named (no link poisoning).
public struct PasswordResetMailer: Sendable {
    public let database: Database
    public let relay: FaxNotifier.Relay
    /// The portal's address for users without a brand host (`web.public_url`).
    public let publicURL: String
    let reset: PasswordReset

    public init(database: Database, relay: FaxNotifier.Relay, publicURL: String) {
        self.database = database
        self.relay = relay
        self.publicURL = publicURL
        self.reset = PasswordReset(database: database)
    }

    /// What became of one request.
    public enum Outcome: Sendable, Equatable { case sent, noSuchUser }

    /// Handles one work payload (`{"login": …}`); throws when the relay fails (the queue retries
    /// with a fresh link, which replaces the one that was not sent).
    @discardableResult
    public func handle(payload: String, now: Date = Date()) async throws -> Outcome {
        let login = (try? JSONDecoder().decode([String: String].self, from: Data(payload.utf8)))?["login"] ?? ""
        guard let user = try await reset.user(forLogin: login) else { return .noSuchUser }
        let (base, brand) = try await PortalLinks.base(forUser: user.id, database: database, publicURL: publicURL)
        let token = try await reset.issue(userID: user.id, now: now)
        let minutes = Int(PasswordReset.lifetime / 60)
        let name = user.displayName.isEmpty ? user.email : user.displayName
        let body = [
            "Hello \(name),", "",
            "someone (we hope you) asked to reset the password of your \(brand.name) account \(user.username).",
            "Choose a new password here; the link works once, for \(minutes) minutes:", "",
            "\(base)/reset-password?token=\(token)", "",
            "If you did not ask for this, ignore this e-mail: your password stays as it is.",
            "", "— \(brand.name)",
        ].joined(separator: "\n")
        let domain = relay.from.split(separator: "@").last.map(String.init) ?? "pagewire.local"
        let message = MailMessage(
            from: relay.from, fromName: brand.name, to: user.email, subject: "Reset your \(brand.name) password",
            messageID: "<reset-\(user.id)-\(Int(now.timeIntervalSince1970))-\(UInt32.random(in: 0...UInt32.max))@\(domain)>", date: now, body: body)
        try await Curl.sendMail(
            url: relay.url, from: relay.from, recipients: [user.email], message: message.rfc5322,
            username: relay.username, password: relay.password)
        return .sent
    }
}
