import Foundation

extension UserRepository {
    /// Sets a user's display name (inside `scope`): 0 to 100 characters, no control characters.
    public func setDisplayName(userID: Int64, _ name: String, scope: AccountScope) async throws {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard name.count <= 100, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw AccountError.invalidName("a display name has at most 100 characters and no control characters")
        }
        let found = try await database.withConnection { c in
            try c.execute(
                "UPDATE users u JOIN accounts a ON a.id = u.account_id SET u.display_name = ? WHERE u.id = ? AND a.path LIKE ?",
                name, userID, scope.pathPattern)
            return try Self.fetch(c, id: userID, scope: scope) != nil
        }
        guard found else { throw AccountError.notFound }
    }
}
