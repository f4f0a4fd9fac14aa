import Foundation

/// `mail.address_verification` work: e-mails the one-time link that confirms a sending address
/// to that address, in the user's brand (see `SendingAddressVerification`).
public struct SendingAddressVerificationMailer: Sendable {
    public let database: Database
    public let relay: FaxNotifier.Relay
    /// The portal's address for users without a brand host (`web.public_url`).
    public let publicURL: String

    public init(database: Database, relay: FaxNotifier.Relay, publicURL: String) {
        self.database = database
        self.relay = relay
        self.publicURL = publicURL
    }

    /// Handles one work payload; throws when the relay fails (the queue retries with a fresh link).
    public func handle(payload: String, now: Date = Date()) async throws {
        let request = try JSONDecoder().decode(SendingAddressVerification.Payload.self, from: Data(payload.utf8))
        guard let user = try await database.query("SELECT \(User.columns) FROM users u WHERE u.id = ? AND u.status = 'active'", request.userID)
            .first.map(User.init(row:)) else { return }
        let (base, brand) = try await PortalLinks.base(forUser: user.id, database: database, publicURL: publicURL)
        let token = try await SendingAddressVerification(database: database).issue(userID: user.id, address: request.address, now: now)
        let name = user.displayName.isEmpty ? user.email : user.displayName
        let body = [
            "Hello,", "",
            "\(name) (\(user.username)) asked to send faxes by e-mail from \(request.address) with \(brand.name).",
            "If that is you, confirm it while signed in as \(user.username); the link works once, for 24 hours:", "",
            "\(base)/profile/addresses/confirm?token=\(token)", "",
            "If you did not ask for this, ignore this e-mail: nothing changes.", "", "— \(brand.name)",
        ].joined(separator: "\n")
        let domain = relay.from.split(separator: "@").last.map(String.init) ?? "pagewire.local"
        let message = MailMessage(
            from: relay.from, fromName: brand.name, to: request.address, subject: "Confirm your sending address for \(brand.name) fax",
            messageID: "<verify-\(user.id)-\(Int(now.timeIntervalSince1970))-\(UInt32.random(in: 0...UInt32.max))@\(domain)>", date: now, body: body)
        try await Curl.sendMail(
            url: relay.url, from: relay.from, recipients: [request.address], message: message.rfc5322,
            username: relay.username, password: relay.password)
    }
}
