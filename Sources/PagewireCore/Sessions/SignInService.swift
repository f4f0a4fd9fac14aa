import Foundation

/// Portal sign-in: checks the password through `UserRepository`, counts failed attempts and
/// locks the user as their security policy says, and opens a fresh session on success.
///
/// Every sign-in creates a new session token, whatever cookie the browser sent, so a session
/// id planted before sign-in (fixation) is never the one that becomes authenticated.
public struct SignInService: Sendable {
    public let users: UserRepository
    public let sessions: SessionRepository
    public let settings: SettingsRepository

    public init(database: Database, users: UserRepository? = nil) {
        self.users = users ?? UserRepository(database: database)
        sessions = SessionRepository(database: database)
        settings = SettingsRepository(database: database)
    }

    /// What a sign-in attempt came to.
    public enum Outcome: Sendable {
        /// Signed in; `passwordExpired` asks the portal to require a new password first.
        case signedIn(token: String, session: PortalSession, passwordExpired: Bool)
        /// Unknown login or wrong password (the portal says the same for both).
        case rejected
        /// The user is locked (now, or already), until `until` or until an admin unlocks them.
        case locked(until: Date?)
    }

    public func signIn(login: String, password: String, remoteAddress: String?, userAgent: String?, now: Date = Date()) async throws -> Outcome {
        let normalized = login.trimmingCharacters(in: .whitespaces).lowercased()
        let row = try await users.database.query(
            """
            SELECT id, account_id, username, status, locked_until, password_changed_at FROM users
            WHERE username = ? OR email = ? ORDER BY username = ? DESC LIMIT 1
            """, normalized, normalized, normalized).first
        guard let row else {
            _ = try await users.authenticate(login: normalized, password: password)  // same work as a real check
            return .rejected
        }
        let userID: Int64 = try row.get("id")
        let accountID: Int64 = try row.get("account_id")
        let actor = AuditActor.user(userID, label: try row.get("username"), ip: remoteAddress)
        if try row.get("status", as: String.self) == "locked" {
            let until: Date? = try row.optional("locked_until")
            guard let until, until <= now else {
                _ = try await users.authenticate(login: normalized, password: password)
                try await AuditLog(database: users.database).record(
                    accountID: accountID, actor: actor, action: .signInFailed, targetType: "user", targetID: "\(userID)", detail: "account locked", at: now)
                return .locked(until: until)
            }
            // A timed lockout has passed: the user may try again with a clean count.
            try await users.database.execute(
                "UPDATE users SET status = 'active', failed_sign_ins = 0, locked_until = NULL WHERE id = ? AND status = 'locked'", userID)
        }
        let policy = try await settings.effective(Settings.securityPolicy, forUser: userID).value
        guard let user = try await users.authenticate(login: normalized, password: password), user.id == userID else {
            return try await recordFailure(userID: userID, accountID: accountID, actor: actor, policy: policy, now: now)
        }
        try await users.database.transaction { c in
            try c.execute("UPDATE users SET failed_sign_ins = 0 WHERE id = ?", userID)
            try AuditLog.record(on: c, accountID: accountID, actor: actor, action: .signIn, targetType: "user", targetID: "\(userID)", at: now)
        }
        let expired = policy.isExpired(changedAt: try row.optional("password_changed_at"), now: now)
        let (token, session) = try await sessions.create(
            userID: userID, idleTimeoutSeconds: policy.sessionTimeoutMinutes * 60, remoteAddress: remoteAddress, userAgent: userAgent,
            mustChangePassword: expired)
        return .signedIn(token: token, session: session, passwordExpired: expired)
    }

    /// Counts a wrong password (audited) and locks the user when the policy's limit is reached.
    private func recordFailure(userID: Int64, accountID: Int64, actor: AuditActor, policy: SecurityPolicy, now: Date) async throws -> Outcome {
        try await users.database.transaction { c in
            try c.execute("UPDATE users SET failed_sign_ins = failed_sign_ins + 1 WHERE id = ?", userID)
            let failures: Int = try c.query("SELECT failed_sign_ins FROM users WHERE id = ?", userID)[0].get("failed_sign_ins")
            let locks = policy.lockoutAttempts > 0 && failures >= policy.lockoutAttempts
            try AuditLog.record(on: c, accountID: accountID, actor: actor, action: .signInFailed, targetType: "user", targetID: "\(userID)",
                                detail: locks ? "wrong password; locked out after \(failures) attempts" : "wrong password", at: now)
            guard locks else { return .rejected }
            let until = policy.lockoutMinutes > 0 ? now.addingTimeInterval(Double(policy.lockoutMinutes) * 60) : nil
            try c.execute("UPDATE users SET status = 'locked', locked_until = ? WHERE id = ?", until, userID)
            try c.execute("DELETE FROM portal_sessions WHERE user_id = ?", userID)
            return .locked(until: until)
        }
    }
}
