import Foundation

/// A user adding a sending address for themselves must prove the mailbox is theirs: the portal
/// queues a `mail.address_verification` item, `pagewire-jobs` e-mails a one-time link to the
/// address (`SendingAddressVerificationMailer`), and the address is registered when the same user,
/// signed in, confirms through the link. Otherwise anyone could register a colleague's mailbox and
/// have that person's e-mailed faxes land in their own outbox. Only token hashes are stored.
public struct SendingAddressVerification: Sendable {
    /// The work kind that mails a link.
    public static let mailKind = "mail.address_verification"
    /// How long a link works.
    public static let lifetime: TimeInterval = 24 * 3600
    /// Verification e-mails per user and hour.
    public static let requestsPerHour = 10

    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// What became of a request.
    public enum RequestOutcome: Sendable, Equatable {
        /// A link is on its way to the address.
        case sent(String)
        /// Too many requests this hour.
        case limited
    }

    /// Checks `address` can be registered for `userID` and queues the link to it.
    public func request(_ address: String, userID: Int64, now: Date = Date()) async throws -> RequestOutcome {
        let email: String
        do { email = try UserRepository.validatedEmail(SendingAddressRepository.normalise(address)) } catch {
            throw MailAdministration.Refusal.invalid(error.description)
        }
        let row = try await database.query(
            "SELECT u.email, a.company_id, a.kind, a.id AS account_id FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = ?", userID).first
        guard let row else { throw MailAdministration.Refusal.notFound }
        guard email != (try row.get("email", as: String.self)) else {
            throw MailAdministration.Refusal.invalid("\(email) is your own address: it always works")
        }
        let companyID: Int64 = try row.get("kind", as: String.self) == "company" ? try row.get("account_id") : try row.get("company_id") ?? 0
        guard let company = try await database.withConnection({ try AccountRepository.fetch($0, id: companyID, scope: nil) }) else {
            throw MailAdministration.Refusal.invalid("only users of a company send faxes by e-mail")
        }
        if try await !database.query("SELECT id FROM user_sending_addresses WHERE company_id = ? AND address = ?", company.id, email).isEmpty {
            throw MailAdministration.Refusal.taken("\(email) is already a sending address of a user of this company")
        }
        if try await !database.query(
            "SELECT u.id FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.email = ? AND a.path LIKE ? LIMIT 1", email, company.scope.pathPattern
        ).isEmpty {
            throw MailAdministration.Refusal.taken("\(email) is the e-mail address of another user of this company")
        }
        guard try await RateCounter(database: database).hit(["verify-address:\(userID)"], window: 3600, now: now)[0] <= Self.requestsPerHour else {
            return .limited
        }
        let payload = String(decoding: try JSONEncoder().encode(Payload(userID: userID, address: email)), as: UTF8.self)
        _ = try await WorkQueue(database: database, owner: "web").enqueue(kind: Self.mailKind, payload: payload, runAt: now, maxAttempts: 5)
        return .sent(email)
    }

    struct Payload: Codable {
        let userID: Int64
        let address: String
    }

    /// A new one-time token for `address` of `userID` (an older one for the same address stops working).
    public func issue(userID: Int64, address: String, now: Date = Date()) async throws -> String {
        let token = SessionToken.make()
        try await database.transaction { c in
            try c.execute("DELETE FROM sending_address_verifications WHERE user_id = ? AND address = ? AND used_at IS NULL", userID, address)
            try c.execute(
                "INSERT INTO sending_address_verifications (token_hash, user_id, address, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                SessionToken.hash(token), userID, address, now, now.addingTimeInterval(Self.lifetime))
        }
        return token
    }

    /// The address a token confirms for `userID`, while unused and unexpired; nil for anyone else's token.
    public func pending(token: String, userID: Int64, now: Date = Date()) async throws -> String? {
        guard token.count == 43 else { return nil }
        return try await database.query(
            "SELECT address FROM sending_address_verifications WHERE token_hash = ? AND user_id = ? AND used_at IS NULL AND expires_at > ?",
            SessionToken.hash(token), userID, now
        ).first?.get("address")
    }

    /// Registers the address of `token` for `userID` (once); nil when the link is not valid for them.
    public func confirm(token: String, userID: Int64, actor: AuditActor, now: Date = Date()) async throws -> String? {
        guard let address = try await pending(token: token, userID: userID, now: now) else { return nil }
        let claimed = try await database.execute(
            "UPDATE sending_address_verifications SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
            now, SessionToken.hash(token), now)
        guard claimed.affectedRows == 1 else { return nil }
        try await MailAdministration(database: database).addOwnAddress(address, userID: userID, by: actor)
        return address
    }
}
