import Crypto
import Foundation

/// Keeps a signed-in user's unlocked key for the length of a session without storing it in clear.
///
/// At sign-in the password opens the user's private key once; `open` then wraps that key with a
/// fresh 32-byte secret and stores only the wrap. The token returned (`v1.<id>.<secret>`,
/// base64url) goes into the session cookie (`HttpOnly; Secure; SameSite`) and nowhere else: the
/// database holds SHA-256 of the id and the wrap, the server's memory holds the secret only
/// while a request runs. Each request calls `unlock(token:)`, then `CompanyKeyring.unlockCompany`.
/// A database dump therefore opens no session, and a stolen cookie alone opens nothing once the
/// row is gone (sign-out, expiry, password reset).
public struct VaultSessions: Sendable {
    /// Where session wraps live.
    public let database: Database

    /// Sessions over `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Wraps the user's key for a new session and returns the token for the cookie.
    public func open(_ user: UnlockedUserKey, lifetime: TimeInterval = 12 * 3600, now: Date = Date()) async throws -> String {
        let id = VaultCipher.randomBytes(16)
        let secret = VaultCipher.randomBytes(32)
        let rowID = Array(SHA256.hash(data: id))
        let wrapped = try VaultCipher.wrap(
            Array(user.privateKey.rawRepresentation), with: VaultCipher.derivedKey(from: secret, purpose: "session"),
            context: Self.context(rowID: rowID, userID: user.userID))
        try await database.execute(
            "INSERT INTO vault_sessions (id, user_id, wrapped_private_key, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            rowID, user.userID, wrapped, now, now.addingTimeInterval(lifetime))
        return "v1." + Self.base64URL(id) + "." + Self.base64URL(secret)
    }

    /// The user key of the session named by `token`; `.sessionInvalid` when unknown or expired.
    public func unlock(token: String, now: Date = Date()) async throws -> UnlockedUserKey {
        guard let parsed = Self.parse(token) else { throw VaultError.sessionInvalid }
        let (id, secret) = parsed
        let rowID = Array(SHA256.hash(data: id))
        guard let row = try await database.query(
            "SELECT user_id, wrapped_private_key FROM vault_sessions WHERE id = ? AND expires_at > ?", rowID, now
        ).first else { throw VaultError.sessionInvalid }
        let userID: Int64 = try row.get("user_id")
        guard let raw = VaultCipher.unwrap(
            try row.get("wrapped_private_key"), with: VaultCipher.derivedKey(from: secret, purpose: "session"),
            context: Self.context(rowID: rowID, userID: userID))
        else { throw VaultError.sessionInvalid }
        return UnlockedUserKey(userID: userID, privateKey: try VaultCipher.privateKey(raw, what: "session key"))
    }

    /// Ends a session (sign-out).
    public func close(token: String) async throws {
        guard let parsed = Self.parse(token) else { return }
        try await database.execute("DELETE FROM vault_sessions WHERE id = ?", Array(SHA256.hash(data: parsed.id)))
    }

    /// Deletes expired sessions; returns how many.
    @discardableResult
    public func purgeExpired(now: Date = Date()) async throws -> Int {
        Int(try await database.execute("DELETE FROM vault_sessions WHERE expires_at <= ? LIMIT 1000", now).affectedRows)
    }

    static func context(rowID: [UInt8], userID: Int64) -> String {
        "session:" + rowID.map { String(format: "%02x", $0) }.joined() + ":user:\(userID)"
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func parse(_ token: String) -> (id: [UInt8], secret: [UInt8])? {
        let parts = token.split(separator: ".")
        guard parts.count == 3, parts[0] == "v1" else { return nil }
        func decode(_ s: Substring) -> [UInt8]? {
            var text = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while text.count % 4 != 0 { text += "=" }
            return Data(base64Encoded: text).map(Array.init)
        }
        guard let id = decode(parts[1]), id.count == 16, let secret = decode(parts[2]), secret.count == 32 else { return nil }
        return (id, secret)
    }
}
