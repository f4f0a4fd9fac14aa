import Foundation

/// Server-side portal sessions: rows keyed by the hash of the cookie token, shared by every
/// worker process. A session ends when idle longer than its timeout, at sign-out, or when the
/// user signs out everywhere.
public struct SessionRepository: Sendable {
    public let database: Database
    /// A session's `last_seen_at` is written at most this often, not on every request.
    public static let touchInterval: TimeInterval = 60

    public init(database: Database) {
        self.database = database
    }

    /// Creates a session for `userID`; returns the cookie token (never stored) and the session.
    public func create(userID: Int64, idleTimeoutSeconds: Int, remoteAddress: String?, userAgent: String?, mustChangePassword: Bool = false) async throws -> (token: String, session: PortalSession) {
        let token = SessionToken.make()
        let csrf = SessionToken.make()
        let now = Date()
        try await database.execute(
            """
            INSERT INTO portal_sessions (token_hash, user_id, csrf_token, stage, created_at, last_seen_at, idle_timeout_seconds, remote_address, user_agent)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            SessionToken.hash(token), userID, csrf, mustChangePassword ? "password_change" : "active", now, now, idleTimeoutSeconds,
            remoteAddress.map { String($0.prefix(45)) }, userAgent.map { String($0.prefix(255)) })
        guard let session = try await find(token: token) else { throw AccountError.notFound }
        return (token, session)
    }

    /// The live session for a cookie token, or nil when unknown, idle too long, or the user is
    /// no longer active. Refreshes the idle clock unless `touch` is false (requests a page's
    /// script makes by itself, such as live status polling, must not keep an idle session alive).
    public func find(token: String, now: Date = Date(), touch: Bool = true) async throws -> PortalSession? {
        guard token.count == 43 else { return nil }
        let hash = SessionToken.hash(token)
        return try await database.withConnection { c in
            guard let row = try c.query(
                """
                SELECT s.csrf_token, s.stage, s.last_seen_at, s.idle_timeout_seconds, \(User.columns),
                       a.parent_id AS a_parent_id, a.kind AS a_kind, a.name AS a_name, a.path AS a_path,
                       a.company_id AS a_company_id, a.status AS a_status,
                       (SELECT MIN(CONCAT(LPAD(LENGTH(ga.path), 5, '0'), ' ', ga.id, ' ', ga.path))
                        FROM admin_grants g JOIN accounts ga ON ga.id = g.account_id WHERE g.user_id = u.id) AS top_grant
                FROM portal_sessions s JOIN users u ON u.id = s.user_id JOIN accounts a ON a.id = u.account_id
                WHERE s.token_hash = ?
                """, hash).first else { return nil }
            let lastSeen: Date = try row.get("last_seen_at")
            let timeout: Int = try row.get("idle_timeout_seconds")
            let user = try User(row: row)
            guard now.timeIntervalSince(lastSeen) <= Double(timeout), user.status == .active,
                  try row.get("a_status", as: String.self) == "active" else {
                try c.execute("DELETE FROM portal_sessions WHERE token_hash = ?", hash)
                return nil
            }
            if touch, now.timeIntervalSince(lastSeen) > Self.touchInterval {
                try c.execute("UPDATE portal_sessions SET last_seen_at = ? WHERE token_hash = ?", now, hash)
            }
            // One query per request: the account and the highest admin grant come with the row.
            let account = Account(
                id: user.accountID, parentID: try row.optional("a_parent_id"),
                kind: AccountKind(rawValue: try row.get("a_kind")) ?? .department, name: try row.get("a_name"),
                path: try row.get("a_path"), companyID: try row.optional("a_company_id"), status: try row.get("a_status"))
            // The highest admin grant decides what the user sees; without one, their own faxes.
            // "<path length, 5 digits> <id> <path>": the shortest path sorts first. (MIN instead of
            // ORDER BY … LIMIT 1, which made MariaDB write an on-disk temporary table per request.)
            let grant: AccountScope? = try row.optional("top_grant", as: String.self).flatMap { text in
                let parts = text.split(separator: " ", maxSplits: 2)
                guard parts.count == 3, let id = Int64(parts[1]) else { return nil }
                return AccountScope(rootID: id, path: String(parts[2]))
            }
            let scope = grant ?? account.scope
            let companyID: Int64? = account.kind == .company ? account.id : account.companyID
            let stage: String = try row.get("stage")
            var session = PortalSession(
                user: user, account: account, csrfToken: try row.get("csrf_token"), scope: scope,
                ownFaxesOnly: grant == nil, companyID: companyID, idleTimeoutSeconds: timeout,
                mustChangePassword: stage == Stage.passwordChange.rawValue)
            session.needsSecondFactor = stage == Stage.secondFactor.rawValue
            return session
        }
    }

    /// Ends one session.
    public func delete(token: String) async throws {
        try await database.execute("DELETE FROM portal_sessions WHERE token_hash = ?", SessionToken.hash(token))
    }

    /// Ends every session of a user (sign out everywhere, password change, lock).
    @discardableResult
    public func deleteAll(userID: Int64) async throws -> Int {
        Int(try await database.execute("DELETE FROM portal_sessions WHERE user_id = ?", userID).affectedRows)
    }
}
