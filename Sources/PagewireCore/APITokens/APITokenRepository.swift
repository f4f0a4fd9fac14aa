import Crypto
import Foundation

/// Personal API tokens in `api_tokens`: created for a user, looked up by their SHA-256 digest,
/// revocable. A token is `pwt_` followed by 32 base62 characters (about 190 random bits).
public struct APITokenRepository: Sendable {
    /// Where tokens live.
    public let database: Database

    /// A repository over `database`.
    public init(database: Database) {
        self.database = database
    }

    /// The fixed start of every token, so secret scanners can recognise leaked ones.
    public static let tokenPrefix = "pwt_"

    /// Creates a token for `userID` (inside `scope`) and returns it with its secret.
    public func create(userID: Int64, name: String, expiresAt: Date? = nil, scope: AccountScope, now: Date = Date()) async throws -> IssuedAPIToken {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else { throw APITokenError.invalidName }
        let secret = Self.tokenPrefix + Self.randomBase62(count: 32)
        let digest = Self.digest(secret)
        return try await database.transaction { c in
            guard try !c.query(
                "SELECT u.id FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = ? AND a.path LIKE ?",
                userID, scope.pathPattern
            ).isEmpty else { throw AccountError.notFound }
            let id = Int64(try c.execute(
                "INSERT INTO api_tokens (user_id, name, token_prefix, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                userID, name, String(secret.prefix(10)), digest, now, expiresAt).lastInsertID)
            let row = try c.query("SELECT \(APIToken.columns) FROM api_tokens WHERE id = ?", id)[0]
            return IssuedAPIToken(token: try APIToken(row: row), secret: secret)
        }
    }

    /// The tokens of `userID`, newest first, revoked ones included.
    public func list(userID: Int64, scope: AccountScope) async throws -> [APIToken] {
        try await database.query(
            """
            SELECT t.id, t.user_id, t.name, t.token_prefix, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
            FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN accounts a ON a.id = u.account_id
            WHERE t.user_id = ? AND a.path LIKE ? ORDER BY t.id DESC
            """,
            userID, scope.pathPattern
        ).map { try APIToken(row: $0) }
    }

    /// Revokes token `id` of a user inside `scope`; revoking twice is harmless.
    public func revoke(id: Int64, scope: AccountScope, now: Date = Date()) async throws {
        try await database.transaction { c in
            guard try !c.query(
                """
                SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN accounts a ON a.id = u.account_id
                WHERE t.id = ? AND a.path LIKE ? FOR UPDATE
                """,
                id, scope.pathPattern
            ).isEmpty else { throw APITokenError.notFound }
            try c.execute("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", now, id)
        }
    }

    /// The principal a bearer token stands for, or nil when the token is unknown, revoked,
    /// expired, or its user is locked.
    public func authenticate(bearer token: String, now: Date = Date()) async throws -> APIPrincipal? {
        guard token.hasPrefix(Self.tokenPrefix), token.utf8.count < 100 else { return nil }
        let digest = Self.digest(token)
        return try await database.withConnection { c -> APIPrincipal? in
            guard let row = try c.query(
                """
                SELECT t.id, t.user_id, t.last_used_at, u.account_id, u.status, a.path, a.company_id,
                    (SELECT ga.id FROM admin_grants g JOIN accounts ga ON ga.id = g.account_id
                     WHERE g.user_id = u.id ORDER BY LENGTH(ga.path), ga.id LIMIT 1) AS grant_id,
                    (SELECT ga.path FROM admin_grants g JOIN accounts ga ON ga.id = g.account_id
                     WHERE g.user_id = u.id ORDER BY LENGTH(ga.path), ga.id LIMIT 1) AS grant_path
                FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN accounts a ON a.id = u.account_id
                WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)
                """,
                digest, now
            ).first else { return nil }
            guard try row.get("status", as: String.self) == User.Status.active.rawValue else { return nil }
            let tokenID: Int64 = try row.get("id")
            // Touch last_used_at at most once a minute, so authentication stays a read.
            let lastUsed: Date? = try row.optional("last_used_at")
            if lastUsed.map({ now.timeIntervalSince($0) > 60 }) ?? true {
                try c.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", now, tokenID)
            }
            let accountID: Int64 = try row.get("account_id")
            let path: String = try row.get("path")
            var scope = AccountScope(rootID: accountID, path: path)
            if let grantID: Int64 = try row.optional("grant_id"), let grantPath: String = try row.optional("grant_path"),
               grantPath.count < path.count, path.hasPrefix(grantPath) {
                scope = AccountScope(rootID: grantID, path: grantPath)
            }
            return APIPrincipal(
                tokenID: tokenID, userID: try row.get("user_id"), accountID: accountID,
                companyID: try row.optional("company_id"), scope: scope)
        }
    }

    /// Hex SHA-256 of a token, the only form stored.
    static func digest(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// Uniform base62 characters from the system CSPRNG (rejection sampling, no modulo bias).
    static func randomBase62(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var out = ""
        while out.count < count {
            let byte = UInt8.random(in: 0...255, using: &generator)
            if byte < 248 { out.append(alphabet[Int(byte % 62)]) }
        }
        return out
    }
}
