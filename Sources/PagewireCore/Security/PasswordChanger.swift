import Foundation

/// A user changing their own password under their level's security policy: the current
/// password must be right, the new one must meet the complexity rules and differ from the
/// last `historyCount` passwords. The vault key is re-wrapped for the new password, so no
/// document is lost (DESIGN §5), and every other session of the user ends.
public struct PasswordChanger: Sendable {
    public let database: Database
    public let users: UserRepository
    public let keyring: CompanyKeyring

    public init(database: Database, users: UserRepository? = nil, keyring: CompanyKeyring? = nil) {
        self.database = database
        self.users = users ?? UserRepository(database: database)
        self.keyring = keyring ?? CompanyKeyring(database: database)
    }

    /// Why a new password was refused; shown to the user as is.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case wrongCurrentPassword
        case tooWeak([String])
        case reused(Int)
        case mismatch
        public var description: String {
            switch self {
            case .wrongCurrentPassword: "The current password is not right."
            case .tooWeak(let missing): "The new password needs " + missing.joined(separator: ", ") + "."
            case .reused(let n): "The new password must differ from your last \(n) passwords."
            case .mismatch: "The two new passwords differ."
            }
        }
    }

    /// Changes the password of `userID`; keeps the session `keepSessionToken` (the one asking).
    public func change(userID: Int64, current: String, new: String, confirmation: String, keepSessionToken: String?, now: Date = Date()) async throws {
        guard new == confirmation else { throw Refusal.mismatch }
        let row = try await database.query("SELECT username, password_hash FROM users WHERE id = ?", userID).first
        guard let row, let oldHash = try row.optional("password_hash", as: String.self),
              Argon2id.verify(password: current, hash: oldHash) else { throw Refusal.wrongCurrentPassword }
        try await checkPolicy(userID: userID, new: new, currentHash: oldHash)
        do {
            try await keyring.changePassword(userID: userID, from: current, to: new, actor: .user(userID, label: try row.get("username")), now: now)
        } catch VaultError.userKeyMissing {
            // Not enrolled in a vault: nothing to re-wrap.
        }
        try await store(userID: userID, new: new, oldHash: oldHash, now: now)
        let keep = keepSessionToken.map(SessionToken.hash) ?? ""
        try await database.execute("DELETE FROM portal_sessions WHERE user_id = ? AND token_hash <> ?", userID, keep)
        try await database.execute("UPDATE portal_sessions SET stage = 'active' WHERE token_hash = ?", keep)
    }

    /// Throws the refusal when `new` breaks the user's policy: complexity, or one of the last
    /// `historyCount` passwords (the current hash counts as the newest of them).
    func checkPolicy(userID: Int64, new: String, currentHash: String?) async throws {
        let policy = try await SettingsRepository(database: database).effective(Settings.securityPolicy, forUser: userID).value
        let problems = policy.complexityProblems(new)
        guard problems.isEmpty else { throw Refusal.tooWeak(problems) }
        if policy.historyCount > 0 {
            let earlier = try await database.query(
                "SELECT password_hash FROM password_history WHERE user_id = ? ORDER BY changed_at DESC LIMIT ?", userID, policy.historyCount - 1
            ).map { try $0.get("password_hash", as: String.self) }
            if ((currentHash.map { [$0] } ?? []) + earlier).contains(where: { Argon2id.verify(password: new, hash: $0) }) {
                throw Refusal.reused(policy.historyCount)
            }
        }
    }

    /// Sets the new hash and keeps the old one in the history (the newest 24 are kept).
    func store(userID: Int64, new: String, oldHash: String?, now: Date) async throws {
        guard let user = try await database.query("SELECT a.id, a.path FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = ?", userID).first else {
            throw AccountError.notFound
        }
        try await users.setPassword(userID: userID, password: new, scope: AccountScope(rootID: try user.get("id"), path: try user.get("path")))
        if let oldHash {
            try await database.execute("INSERT INTO password_history (user_id, changed_at, password_hash) VALUES (?, ?, ?)", userID, now, oldHash)
        }
        try await database.execute(
            "DELETE FROM password_history WHERE user_id = ? AND changed_at < (SELECT c FROM (SELECT changed_at AS c FROM password_history WHERE user_id = ? ORDER BY changed_at DESC LIMIT 1 OFFSET 23) x)",
            userID, userID)
    }
}
