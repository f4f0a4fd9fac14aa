import Foundation

/// Users, their passwords (Argon2id) and their admin grants, always within a scope.
public struct UserRepository: Sendable {
    public let database: Database
    /// Argon2id cost for new hashes; stored in each hash, so raising it later re-hashes at next sign-in.
    public let passwordParameters: Argon2id.Parameters

    public init(database: Database, passwordParameters: Argon2id.Parameters = .interactive) {
        self.database = database
        self.passwordParameters = passwordParameters
    }

    /// Creates a user at `accountID` (inside `scope`); the username defaults to the e-mail address.
    public func create(accountID: Int64, email: String, username: String? = nil, displayName: String = "", password: String?, scope: AccountScope) async throws -> User {
        let email = try Self.validatedEmail(email)
        let username = (username ?? email).trimmingCharacters(in: .whitespaces).lowercased()
        guard !username.isEmpty, username.count <= 254 else { throw AccountError.invalidName("the username must have 1 to 254 characters") }
        let hash = try password.map { try Argon2id.hash(password: $0, parameters: passwordParameters) }
        do {
            return try await database.transaction { c in
                guard try AccountRepository.fetch(c, id: accountID, scope: scope) != nil else { throw AccountError.notFound }
                let now = Date()
                let id = Int64(try c.execute(
                    """
                    INSERT INTO users (account_id, username, email, display_name, password_hash, password_changed_at, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    accountID, username, email, displayName, hash, hash == nil ? nil : now, now).lastInsertID)
                return try Self.fetch(c, id: id, scope: nil)!
            }
        } catch let error as DatabaseError where error.kind == .duplicateKey {
            throw AccountError.usernameTaken(username)
        }
    }

    /// The user `id` if their account is inside `scope`.
    public func get(_ id: Int64, scope: AccountScope) async throws -> User? {
        try await database.withConnection { try Self.fetch($0, id: id, scope: scope) }
    }

    /// The user whose username or e-mail is `login`, inside `scope`.
    public func find(login: String, scope: AccountScope) async throws -> User? {
        let login = login.trimmingCharacters(in: .whitespaces).lowercased()
        return try await database.withConnection { c in
            try c.query(
                """
                SELECT \(User.columns) FROM users u JOIN accounts a ON a.id = u.account_id
                WHERE (u.username = ? OR u.email = ?) AND a.path LIKE ? ORDER BY u.username = ? DESC LIMIT 1
                """, login, login, scope.pathPattern, login
            ).first.map(User.init(row:))
        }
    }

    /// Users at `accountID` and below, inside `scope`.
    public func list(under accountID: Int64, scope: AccountScope) async throws -> [User] {
        try await database.withConnection { c in
            guard let node = try AccountRepository.fetch(c, id: accountID, scope: scope) else { throw AccountError.notFound }
            return try c.query(
                "SELECT \(User.columns) FROM users u JOIN accounts a ON a.id = u.account_id WHERE a.path LIKE ? ORDER BY u.username",
                node.scope.pathPattern
            ).map(User.init(row:))
        }
    }

    /// Checks a password for a username or e-mail address; nil when unknown, locked or wrong.
    /// A hash made with weaker parameters than the current ones is replaced on success.
    public func authenticate(login: String, password: String) async throws -> User? {
        let login = login.trimmingCharacters(in: .whitespaces).lowercased()
        let rows = try await database.query(
            "SELECT \(User.columns), u.password_hash FROM users u WHERE u.username = ? OR u.email = ? ORDER BY u.username = ? DESC LIMIT 1",
            login, login, login)
        guard let row = rows.first, let hash = try row.optional("password_hash", as: String.self) else {
            // Spend the same time on unknown users so timing does not reveal which logins exist.
            _ = Argon2id.verify(password: password, hash: Self.dummyHash)
            return nil
        }
        let user = try User(row: row)
        guard Argon2id.verify(password: password, hash: hash), user.status == .active else { return nil }
        if Argon2id.parameters(of: hash) != passwordParameters {
            let upgraded = try Argon2id.hash(password: password, parameters: passwordParameters)
            try await database.execute("UPDATE users SET password_hash = ? WHERE id = ?", upgraded, user.id)
        }
        return user
    }

    /// Sets a new password for a user inside `scope`.
    public func setPassword(userID: Int64, password: String, scope: AccountScope) async throws {
        let hash = try Argon2id.hash(password: password, parameters: passwordParameters)
        let changed = try await database.withConnection { c in
            try c.execute(
                """
                UPDATE users u JOIN accounts a ON a.id = u.account_id
                SET u.password_hash = ?, u.password_changed_at = ?, u.failed_sign_ins = 0
                WHERE u.id = ? AND a.path LIKE ?
                """,
                hash, Date(), userID, scope.pathPattern
            ).affectedRows
        }
        guard changed == 1 else { throw AccountError.notFound }
    }

    /// Locks or unlocks a user inside `scope`.
    public func setStatus(userID: Int64, _ status: User.Status, scope: AccountScope) async throws {
        let found = try await database.withConnection { c in
            try c.execute(
                "UPDATE users u JOIN accounts a ON a.id = u.account_id SET u.status = ? WHERE u.id = ? AND a.path LIKE ?",
                status.rawValue, userID, scope.pathPattern)
            return try Self.fetch(c, id: userID, scope: scope) != nil
        }
        guard found else { throw AccountError.notFound }
    }

    /// Moves a user to another node of the same company (reparenting, as Concord's "move user").
    public func move(userID: Int64, to accountID: Int64, scope: AccountScope) async throws {
        try await database.transaction { c in
            guard let user = try Self.fetch(c, id: userID, scope: scope),
                  let from = try AccountRepository.fetch(c, id: user.accountID, scope: scope),
                  let to = try AccountRepository.fetch(c, id: accountID, scope: scope)
            else { throw AccountError.notFound }
            guard from.companyID != nil, from.companyID == to.companyID else { throw AccountError.cannotMoveAcrossCompanies }
            try c.execute("UPDATE users SET account_id = ? WHERE id = ?", to.id, userID)
        }
    }

    // MARK: - Admin grants

    /// Makes a user an admin of `accountID` (inside `scope`) with `rights`, replacing an earlier grant there.
    public func grant(userID: Int64, accountID: Int64, rights: Set<AdminRight>, scope: AccountScope) async throws {
        try await database.transaction { c in
            guard try Self.fetch(c, id: userID, scope: scope) != nil,
                  try AccountRepository.fetch(c, id: accountID, scope: scope) != nil
            else { throw AccountError.notFound }
            try c.execute(
                """
                INSERT INTO admin_grants (user_id, account_id, rights, created_at) VALUES (?, ?, ?, ?)
                ON DUPLICATE KEY UPDATE rights = VALUES(rights)
                """,
                userID, accountID, AdminGrant.encode(rights), Date())
        }
    }

    /// Every admin grant a user holds, with the node it applies to.
    public func grants(of userID: Int64) async throws -> [AdminGrant] {
        try await database.withConnection { c in
            try c.query(
                """
                SELECT g.rights, a.id, a.parent_id, a.kind, a.name, a.path, a.company_id, a.status
                FROM admin_grants g JOIN accounts a ON a.id = g.account_id WHERE g.user_id = ? ORDER BY a.path
                """, userID
            ).map { row in
                AdminGrant(userID: userID, account: try Account(row: row), rights: AdminGrant.decode(try row.get("rights")))
            }
        }
    }

    // MARK: - Helpers

    static func fetch(_ c: DatabaseConnection, id: Int64, scope: AccountScope?) throws -> User? {
        if let scope {
            return try c.query(
                "SELECT \(User.columns) FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = ? AND a.path LIKE ?",
                id, scope.pathPattern
            ).first.map(User.init(row:))
        }
        return try c.query("SELECT \(User.columns) FROM users u WHERE u.id = ?", id).first.map(User.init(row:))
    }

    static func validatedEmail(_ email: String) throws(AccountError) -> String {
        let e = email.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = e.split(separator: "@", omittingEmptySubsequences: false)
        guard e.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !e.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" })
        else { throw .invalidEmail(email) }
        return e
    }

    /// A valid hash of a random password, verified against when the login is unknown.
    private static let dummyHash: String = (try? Argon2id.hash(password: UUID().uuidString)) ?? ""
}
