import Foundation

/// Forgot-password by e-mailed one-time link.
///
/// The portal only records the request (`request`): it counts it against the limits and queues a
/// `password.reset_mail` work item with the login as typed, whether or not such a user exists, so
/// neither the answer nor its timing tells an account exists. `pagewire-jobs` then issues the
/// token for an active user and e-mails the link (`PasswordResetMailer`); the token itself is never
/// stored, only its SHA-256. A link works once, for `lifetime`, and only the newest one of a user.
/// Setting the new password checks the user's security policy; the vault key is reset (the old
/// password is unknown), so the user's company key grants wait for a key holder to renew them.
public struct PasswordReset: Sendable {
    /// The work kind that mails a link.
    public static let mailKind = "password.reset_mail"
    /// How long a link works.
    public static let lifetime: TimeInterval = 30 * 60
    /// Requests per hour from one client address, and for one login.
    public static let requestsPerHourPerAddress = 10
    public static let requestsPerHourPerLogin = 5

    /// Where everything lives.
    public let database: Database
    let changer: PasswordChanger

    /// The service over `database` (`users` sets the hash parameters of new passwords).
    public init(database: Database, users: UserRepository? = nil, keyring: CompanyKeyring? = nil) {
        self.database = database
        self.changer = PasswordChanger(database: database, users: users, keyring: keyring)
    }

    /// What became of a request.
    public enum RequestOutcome: Sendable, Equatable {
        /// Queued: a link goes out if the login names an active user with an e-mail address.
        case queued
        /// Too many requests from this address or for this login; nothing queued.
        case limited
    }

    /// Records a forgot-password request for `login` from `remoteAddress`.
    public func request(login: String, remoteAddress: String?, now: Date = Date()) async throws -> RequestOutcome {
        let login = String(login.trimmingCharacters(in: .whitespaces).lowercased().prefix(254))
        guard !login.isEmpty else { return .queued }
        let counts = try await RateCounter(database: database).hit(
            ["reset.ip:" + (remoteAddress ?? "unknown"), "reset.login:" + login], window: 3600, now: now)
        guard counts[0] <= Self.requestsPerHourPerAddress, counts[1] <= Self.requestsPerHourPerLogin else { return .limited }
        let payload = String(decoding: try JSONEncoder().encode(["login": login]), as: UTF8.self)
        _ = try await WorkQueue(database: database, owner: "web").enqueue(kind: Self.mailKind, payload: payload, runAt: now, maxAttempts: 5)
        return .queued
    }

    /// The active user a login names, if they have an e-mail address to send a link to.
    public func user(forLogin login: String) async throws -> User? {
        let login = login.trimmingCharacters(in: .whitespaces).lowercased()
        return try await database.query(
            """
            SELECT \(User.columns) FROM users u JOIN accounts a ON a.id = u.account_id
            WHERE (u.username = ? OR u.email = ?) AND u.status = 'active' AND a.status = 'active'
            ORDER BY u.username = ? DESC LIMIT 1
            """, login, login, login
        ).first.map(User.init(row:)).flatMap { $0.email.contains("@") ? $0 : nil }
    }

    /// A new one-time token for `userID` (older unused ones stop working); only its hash is stored.
    public func issue(userID: Int64, now: Date = Date()) async throws -> String {
        let token = SessionToken.make()
        try await database.transaction { c in
            try c.execute("DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL", userID)
            try c.execute(
                "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                SessionToken.hash(token), userID, now, now.addingTimeInterval(Self.lifetime))
        }
        return token
    }

    /// The user a token resets, while it is unused, unexpired, and the user active; else nil.
    public func userID(forToken token: String, now: Date = Date()) async throws -> Int64? {
        guard token.count == 43 else { return nil }
        return try await database.query(
            """
            SELECT r.user_id FROM password_resets r JOIN users u ON u.id = r.user_id
            WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > ? AND u.status = 'active'
            """, SessionToken.hash(token), now
        ).first?.get("user_id")
    }

    /// Why a link could not set a password.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// Unknown, used, expired, or its user is no longer active.
        case invalidLink
        /// The new password breaks the policy (the link still works).
        case refused(PasswordChanger.Refusal)

        public var description: String {
            switch self {
            case .invalidLink: "This link is no longer valid. Links work once, for 30 minutes; ask for a new one."
            case .refused(let refusal): refusal.description
            }
        }
    }

    /// What a completed reset did.
    public struct Completed: Sendable, Equatable {
        /// The user whose password was set.
        public let userID: Int64
        /// Companies whose documents the user can open again only after a key holder grants access.
        public let pendingVaultCompanies: [Int64]
    }

    /// Sets the new password through the link `token` (once): policy checked, every session ended.
    public func complete(token: String, new: String, confirmation: String, remoteAddress: String?, now: Date = Date()) async throws -> Completed {
        guard let userID = try await userID(forToken: token, now: now) else { throw Failure.invalidLink }
        guard new == confirmation else { throw Failure.refused(.mismatch) }
        let current = try await database.query("SELECT username, password_hash FROM users WHERE id = ?", userID).first
        let currentHash: String? = try current?.optional("password_hash")
        do {
            try await changer.checkPolicy(userID: userID, new: new, currentHash: currentHash)
        } catch let refusal as PasswordChanger.Refusal {
            throw Failure.refused(refusal)
        }
        // Single use even when two requests race: only one UPDATE finds the row unused.
        let claimed = try await database.execute(
            "UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?", now, SessionToken.hash(token), now)
        guard claimed.affectedRows == 1 else { throw Failure.invalidLink }
        let label: String = try current?.get("username") ?? "user \(userID)"
        let actor = AuditActor.user(userID, label: label, ip: remoteAddress)
        // The old password is unknown, so the user's vault key cannot be re-wrapped: a new key pair, grants pending.
        let outcome = try await changer.keyring.resetUser(
            userID: userID, newPassword: new, actor: actor, reason: "password reset by the user through an e-mailed link", now: now)
        try await changer.store(userID: userID, new: new, oldHash: currentHash, now: now)
        try await database.execute("DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL", userID)
        try await database.execute("DELETE FROM portal_sessions WHERE user_id = ?", userID)
        let accountID: Int64 = try await database.query("SELECT account_id FROM users WHERE id = ?", userID)[0].get("account_id")
        try await AuditLog(database: database).record(
            accountID: accountID, actor: actor, action: .passwordChange, targetType: "user", targetID: "\(userID)",
            detail: "password set through an e-mailed reset link", at: now)
        return Completed(userID: userID, pendingVaultCompanies: outcome.pendingCompanies)
    }
}
