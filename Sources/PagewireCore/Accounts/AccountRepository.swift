import Foundation

/// The account tree in MariaDB: create, read, rename, move and delete nodes, always within a scope.
public struct AccountRepository: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Creates the platform root; there is exactly one.
    public func create(platformName name: String) async throws -> Account {
        let name = try Self.validated(name)
        return try await database.transaction { c in
            let existing = try c.query("SELECT id FROM accounts WHERE kind = 'platform' LIMIT 1 FOR UPDATE")
            if !existing.isEmpty { throw AccountError.platformExists }
            let id = Int64(try c.execute(
                "INSERT INTO accounts (parent_id, kind, name, path, created_at) VALUES (NULL, 'platform', ?, ?, ?)",
                name, "/pending-\(UUID().uuidString)/", Date()).lastInsertID)
            try c.execute("UPDATE accounts SET path = ? WHERE id = ?", "/\(id)/", id)
            return try Self.fetch(c, id: id, scope: nil)!
        }
    }

    /// The platform root, if it exists.
    public func platform() async throws -> Account? {
        try await database.withConnection { c in
            try c.query("SELECT \(Account.columns) FROM accounts WHERE kind = 'platform' LIMIT 1").first.map(Account.init(row:))
        }
    }

    /// Creates a node under `parentID`, which must be inside `scope`.
    public func create(kind: AccountKind, name: String, parentID: Int64, scope: AccountScope) async throws -> Account {
        let name = try Self.validated(name)
        return try await database.transaction { c in
            guard let parent = try Self.fetch(c, id: parentID, scope: scope, lock: true) else { throw AccountError.notFound }
            guard parent.kind.allowedChildren.contains(kind) else {
                throw AccountError.kindNotAllowed(parent: parent.kind, child: kind)
            }
            let id = Int64(try c.execute(
                "INSERT INTO accounts (parent_id, kind, name, path, company_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                parent.id, kind.rawValue, name, "/pending-\(UUID().uuidString)/", parent.companyID, Date()).lastInsertID)
            let companyID: Int64? = kind == .company ? id : parent.companyID
            try c.execute("UPDATE accounts SET path = ?, company_id = ? WHERE id = ?", parent.path + "\(id)/", companyID, id)
            return try Self.fetch(c, id: id, scope: nil)!
        }
    }

    /// The node `id` if it is inside `scope`; nil otherwise (also when it does not exist).
    public func get(_ id: Int64, scope: AccountScope) async throws -> Account? {
        try await database.withConnection { try Self.fetch($0, id: id, scope: scope) }
    }

    /// The direct children of `id`, by name.
    public func children(of id: Int64, scope: AccountScope) async throws -> [Account] {
        try await database.withConnection { c in
            try c.query(
                "SELECT \(Account.columns) FROM accounts WHERE parent_id = ? AND path LIKE ? ORDER BY name, id",
                id, scope.pathPattern
            ).map(Account.init(row:))
        }
    }

    /// Every node in `scope`, parents before children.
    public func subtree(_ scope: AccountScope) async throws -> [Account] {
        try await database.withConnection { c in
            try c.query("SELECT \(Account.columns) FROM accounts WHERE path LIKE ? ORDER BY path", scope.pathPattern)
                .map(Account.init(row:))
        }
    }

    /// Renames a node inside `scope`.
    public func rename(_ id: Int64, to name: String, scope: AccountScope) async throws {
        let name = try Self.validated(name)
        let changed = try await database.withConnection { c in
            try c.execute("UPDATE accounts SET name = ? WHERE id = ? AND path LIKE ?", name, id, scope.pathPattern).affectedRows
        }
        // MariaDB reports 0 changed rows when the name is unchanged; check existence then.
        if changed == 0, try await get(id, scope: scope) == nil { throw AccountError.notFound }
    }

    /// Deletes an empty department (refused while it holds users or departments, as Concord does).
    public func deleteDepartment(_ id: Int64, scope: AccountScope) async throws {
        try await database.transaction { c in
            guard let node = try Self.fetch(c, id: id, scope: scope, lock: true) else { throw AccountError.notFound }
            guard node.kind == .department, node.id != scope.rootID else { throw AccountError.notADepartment }
            let users = try c.query("SELECT COUNT(*) AS n FROM users WHERE account_id = ?", id)[0].get("n", as: Int.self)
            let children = try c.query("SELECT COUNT(*) AS n FROM accounts WHERE parent_id = ?", id)[0].get("n", as: Int.self)
            guard users == 0, children == 0 else { throw AccountError.notEmpty(users: users, children: children) }
            try c.execute("DELETE FROM account_settings WHERE account_id = ?", id)
            try c.execute("DELETE FROM admin_grants WHERE account_id = ?", id)
            try c.execute("DELETE FROM accounts WHERE id = ?", id)
        }
    }

    /// Moves a department (with its subtree) under another node of the same company.
    public func moveDepartment(_ id: Int64, to newParentID: Int64, scope: AccountScope) async throws {
        try await database.transaction { c in
            guard let node = try Self.fetch(c, id: id, scope: scope, lock: true),
                  let target = try Self.fetch(c, id: newParentID, scope: scope, lock: true)
            else { throw AccountError.notFound }
            guard node.kind == .department else { throw AccountError.notADepartment }
            guard node.companyID == target.companyID, target.kind.allowedChildren.contains(.department),
                  !target.path.hasPrefix(node.path)
            else { throw AccountError.cannotMoveAcrossCompanies }
            let newPath = target.path + "\(id)/"
            try c.execute(
                "UPDATE accounts SET path = CONCAT(?, SUBSTRING(path, ?)) WHERE path LIKE ?",
                newPath, node.path.count + 1, node.path + "%")
            try c.execute("UPDATE accounts SET parent_id = ? WHERE id = ?", target.id, id)
        }
    }

    // MARK: - Helpers shared by the repositories of this folder

    static func fetch(_ c: DatabaseConnection, id: Int64, scope: AccountScope?, lock: Bool = false) throws -> Account? {
        let suffix = lock ? " FOR UPDATE" : ""
        if let scope {
            return try c.query("SELECT \(Account.columns) FROM accounts WHERE id = ? AND path LIKE ?" + suffix, id, scope.pathPattern)
                .first.map(Account.init(row:))
        }
        return try c.query("SELECT \(Account.columns) FROM accounts WHERE id = ?" + suffix, id).first.map(Account.init(row:))
    }

    static func validated(_ name: String) throws(AccountError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalidName("it is empty") }
        guard trimmed.count <= 200 else { throw .invalidName("it is longer than 200 characters") }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidName("it contains control characters")
        }
        return trimmed
    }
}
