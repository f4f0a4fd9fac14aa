extension VaultSessions {
    /// Ends every vault session of a user (sign out everywhere).
    @discardableResult
    public func closeAll(userID: Int64) async throws -> Int {
        Int(try await database.execute("DELETE FROM vault_sessions WHERE user_id = ?", userID).affectedRows)
    }
}
