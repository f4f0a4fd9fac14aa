import Foundation

/// The welcome e-mail an administrator sends a user (Concord: "Welcome Message" or "Send
/// Credentials Message"). The portal queues it as `user.welcome` work; `pagewire-jobs` sends it
/// through the notice relay. The credentials variant links to the password reset page, so no
/// password ever travels by e-mail.
public struct WelcomeMessage: Codable, Sendable, Equatable {
    /// Work kind run by `pagewire-jobs`.
    public static let kind = "user.welcome"

    /// The user to welcome.
    public var userID: Int64
    /// Whether the message links to the page where the user sets their password.
    public var credentialsLink: Bool
    /// The portal's address as the admin reached it (`https://fax.reseller.example`), so the
    /// link carries the reseller's brand and domain.
    public var portalURL: String

    /// A message for `userID`.
    public init(userID: Int64, credentialsLink: Bool, portalURL: String) {
        self.userID = userID
        self.credentialsLink = credentialsLink
        self.portalURL = portalURL
    }

    /// Queues the message for a user inside `scope` (refused for users outside it).
    public func enqueue(database: Database, scope: AccountScope, now: Date = Date()) async throws {
        guard try await UserRepository(database: database).get(userID, scope: scope) != nil else { throw AccountError.notFound }
        let payload = String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
        _ = try await WorkQueue(database: database, owner: "portal").enqueue(kind: Self.kind, payload: payload, runAt: now, maxAttempts: 5)
    }

    /// The subject and text for `user`.
    public func text(for user: User) -> (subject: String, body: String) {
        let name = user.displayName.isEmpty ? user.email : user.displayName
        var body = """
        Hello \(name),

        An account on the fax service was created for you. You can send and receive faxes from the
        web portal, by e-mail and through the API.

        Username: \(user.username)
        Portal: \(portalURL)/signin

        """
        if credentialsLink {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let login = user.username.addingPercentEncoding(withAllowedCharacters: allowed) ?? user.username
            body += """
            To choose your password, open this link and follow the instructions:
            \(portalURL)/forgot-password?login=\(login)

            """
        }
        body += "\nIf you did not expect this message, you can ignore it.\n"
        return (credentialsLink ? "Your fax account: set your password" : "Welcome to your fax account", body)
    }

    /// Sends the message to the user's e-mail address through `relay`; a user deleted since it
    /// was queued gets nothing.
    public func send(database: Database, relay: FaxNotifier.Relay, now: Date = Date()) async throws {
        guard let row = try await database.query("SELECT \(User.columns) FROM users u WHERE u.id = ?", userID).first else { return }
        let user = try User(row: row)
        let (subject, body) = text(for: user)
        let domain = relay.from.split(separator: "@").last.map(String.init) ?? "pagewire.local"
        let message = MailMessage(
            from: relay.from, fromName: "Fax service", to: user.email, subject: subject,
            messageID: "<welcome-\(userID)-\(Int(now.timeIntervalSince1970))@\(domain)>", date: now, body: body)
        try await Curl.sendMail(url: relay.url, from: relay.from, recipients: [user.email], message: message.rfc5322,
                                username: relay.username, password: relay.password)
    }
}
