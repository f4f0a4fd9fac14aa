import Foundation

/// The `cover_pages` table: templates uploaded by account levels. Every query is scoped to the
/// caller's subtree and to the owning level; templates of other levels are never changed here.
public struct CoverPageRepository: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Stores a new template at `accountID` after `CoverPageSource.validate`.
    public func create(accountID: Int64, name: String, bytes: [UInt8], scope: AccountScope, now: Date = Date()) async throws -> CoverPage {
        let name = try CoverPageSource.validName(name)
        let source = try CoverPageSource.validate(bytes)
        return try await database.transaction { c in
            guard try AccountRepository.fetch(c, id: accountID, scope: scope) != nil else { throw CoverPageError.notFound }
            let id: Int64
            do {
                id = Int64(try c.execute(
                    "INSERT INTO cover_pages (account_id, name, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                    accountID, name, source, now, now).lastInsertID)
            } catch let error as DatabaseError where error.kind == .duplicateKey {
                throw CoverPageError.duplicateName(name)
            }
            guard let row = try c.query("SELECT \(CoverPage.columns) FROM cover_pages WHERE id = ?", id).first else { throw CoverPageError.notFound }
            return try CoverPage(row: row)
        }
    }

    /// The templates `accountID` owns, by name.
    public func list(ownedBy accountID: Int64, scope: AccountScope) async throws -> [CoverPage] {
        try await database.query(
            """
            SELECT c.id, c.account_id, c.name, c.source, c.created_at, c.updated_at FROM cover_pages c JOIN accounts a ON a.id = c.account_id
            WHERE c.account_id = ? AND a.path LIKE ? ORDER BY c.name
            """, accountID, scope.pathPattern
        ).map(CoverPage.init(row:))
    }

    /// The templates users at a node with `path` may use: those of the node and of every level above it.
    public func available(toPath path: String) async throws -> [CoverPage] {
        let ancestors = path.split(separator: "/").compactMap { Int64($0) }
        guard !ancestors.isEmpty else { return [] }
        let list = Array(repeating: "?", count: ancestors.count).joined(separator: ", ")
        let binds = ancestors.map { $0 as any SQLEncodable }
        return try await database.withConnection { c in
            try c.query("SELECT \(CoverPage.columns) FROM cover_pages WHERE account_id IN (\(list)) ORDER BY name, id", binds).map(CoverPage.init(row:))
        }
    }

    /// Template `id` if `accountID` owns it and is inside `scope`.
    public func get(_ id: Int64, ownedBy accountID: Int64, scope: AccountScope) async throws -> CoverPage? {
        try await database.query(
            """
            SELECT c.id, c.account_id, c.name, c.source, c.created_at, c.updated_at FROM cover_pages c JOIN accounts a ON a.id = c.account_id
            WHERE c.id = ? AND c.account_id = ? AND a.path LIKE ?
            """, id, accountID, scope.pathPattern
        ).first.map(CoverPage.init(row:))
    }

    /// Renames and/or replaces the text of template `id` of `accountID`.
    public func update(_ id: Int64, ownedBy accountID: Int64, name: String?, bytes: [UInt8]?, scope: AccountScope, now: Date = Date()) async throws -> CoverPage {
        var newName: String?
        if let name { newName = try CoverPageSource.validName(name) }
        var source: String?
        if let bytes { source = try CoverPageSource.validate(bytes) }
        guard let current = try await get(id, ownedBy: accountID, scope: scope) else { throw CoverPageError.notFound }
        do {
            try await database.execute(
                "UPDATE cover_pages SET name = ?, source = ?, updated_at = ? WHERE id = ? AND account_id = ?",
                newName ?? current.name, source ?? current.source, now, id, accountID)
        } catch let error as DatabaseError where error.kind == .duplicateKey {
            throw CoverPageError.duplicateName(newName ?? current.name)
        }
        guard let updated = try await get(id, ownedBy: accountID, scope: scope) else { throw CoverPageError.notFound }
        return updated
    }

    /// Deletes template `id` of `accountID`; settings that named it fall back to the built-in default.
    public func delete(_ id: Int64, ownedBy accountID: Int64, scope: AccountScope) async throws {
        guard try await get(id, ownedBy: accountID, scope: scope) != nil else { throw CoverPageError.notFound }
        try await database.execute("DELETE FROM cover_pages WHERE id = ? AND account_id = ?", id, accountID)
    }

    /// `source(forKey:path:)` for a fax of account `accountID` (the renderer knows only the account).
    public func source(forKey key: String, accountID: Int64) async throws -> CoverPage? {
        guard CoverPage.id(fromKey: key) != nil,
              let path: String = try await database.query("SELECT path FROM accounts WHERE id = ?", accountID).first?.get("path")
        else { return nil }
        return try await source(forKey: key, path: path)
    }

    /// The text of the template `key` names for a sender at `path`: a `custom-<id>` of the node
    /// or a level above it, or nil (built-in templates are files, read by the renderer).
    public func source(forKey key: String, path: String) async throws -> CoverPage? {
        guard let id = CoverPage.id(fromKey: key) else { return nil }
        return try await available(toPath: path).first { $0.id == id }
    }
}
