import Foundation

/// Contact groups: list, rename, delete, and their members. Creation and member lookup for
/// sending are in `ContactRepository.swift`. Every query carries the caller's scope.
extension ContactRepository {
    static let groupColumns = """
        g.id, g.account_id, g.name, (SELECT COUNT(*) FROM contact_group_members m WHERE m.group_id = g.id) AS member_count
        """

    /// The groups inside `scope`, by name.
    public func groups(scope: AccountScope) async throws -> [ContactGroup] {
        try await database.query(
            "SELECT \(Self.groupColumns) FROM contact_groups g JOIN accounts a ON a.id = g.account_id WHERE a.path LIKE ? ORDER BY g.name, g.id",
            scope.pathPattern
        ).map(Self.group(row:))
    }

    /// The group `id` if it is inside `scope`.
    public func group(_ id: Int64, scope: AccountScope) async throws -> ContactGroup? {
        try await database.query(
            "SELECT \(Self.groupColumns) FROM contact_groups g JOIN accounts a ON a.id = g.account_id WHERE g.id = ? AND a.path LIKE ?",
            id, scope.pathPattern
        ).first.map(Self.group(row:))
    }

    /// A group name trimmed and checked.
    static func checkedGroupName(_ name: String) throws(ContactError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 100, !trimmed.contains(where: \.isNewline) else {
            throw .invalid("A group name has 1 to 100 characters on one line.")
        }
        return trimmed
    }

    /// Renames group `id`; a name another group of the same account has is refused.
    public func renameGroup(_ id: Int64, to name: String, scope: AccountScope) async throws {
        let trimmed = try Self.checkedGroupName(name)
        try await database.transaction { c in
            guard let row = try c.query(
                "SELECT g.account_id FROM contact_groups g JOIN accounts a ON a.id = g.account_id WHERE g.id = ? AND a.path LIKE ? FOR UPDATE",
                id, scope.pathPattern
            ).first else { throw AccountError.notFound }
            let accountID: Int64 = try row.get("account_id")
            guard try c.query("SELECT id FROM contact_groups WHERE account_id = ? AND name = ? AND id <> ?", accountID, trimmed, id).isEmpty else {
                throw ContactError.invalid("There is already a group named \(trimmed).")
            }
            try c.execute("UPDATE contact_groups SET name = ? WHERE id = ?", trimmed, id)
        }
    }

    /// Deletes group `id` (its contacts stay).
    public func deleteGroup(_ id: Int64, scope: AccountScope) async throws {
        let changed = try await database.execute(
            "DELETE g FROM contact_groups g JOIN accounts a ON a.id = g.account_id WHERE g.id = ? AND a.path LIKE ?", id, scope.pathPattern)
        guard changed.affectedRows > 0 else { throw AccountError.notFound }
    }

    /// Adds contacts to group `id`; every contact must be inside `scope` like the group (all or none).
    /// Returns how many were not members yet.
    @discardableResult
    public func addMembers(_ contactIDs: [Int64], toGroup id: Int64, scope: AccountScope) async throws -> Int {
        try await database.transaction { c in
            guard try c.query(
                "SELECT g.id FROM contact_groups g JOIN accounts a ON a.id = g.account_id WHERE g.id = ? AND a.path LIKE ?", id, scope.pathPattern
            ).first != nil else { throw AccountError.notFound }
            var added = 0
            for contactID in contactIDs {
                guard try c.query(
                    "SELECT c.id FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.id = ? AND a.path LIKE ?", contactID, scope.pathPattern
                ).first != nil else { throw AccountError.notFound }
                added += Int(try c.execute("INSERT IGNORE INTO contact_group_members (group_id, contact_id) VALUES (?, ?)", id, contactID).affectedRows)
            }
            return added
        }
    }

    /// Removes a contact from group `id` (the contact stays).
    public func removeMember(_ contactID: Int64, fromGroup id: Int64, scope: AccountScope) async throws {
        let changed = try await database.execute(
            """
            DELETE m FROM contact_group_members m JOIN contact_groups g ON g.id = m.group_id JOIN accounts a ON a.id = g.account_id
            WHERE m.group_id = ? AND m.contact_id = ? AND a.path LIKE ?
            """, id, contactID, scope.pathPattern)
        guard changed.affectedRows > 0 else { throw AccountError.notFound }
    }

    static func group(row: SQLRow) throws -> ContactGroup {
        ContactGroup(id: try row.get("id"), accountID: try row.get("account_id"), name: try row.get("name"),
                     memberCount: try row.get("member_count"))
    }
}
