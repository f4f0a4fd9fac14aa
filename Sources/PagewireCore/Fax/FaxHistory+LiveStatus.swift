extension FaxHistory {
    /// A fax's current status for the portal's live updates: its summary and attempt limit.
    public struct LiveStatus: Sendable, Equatable {
        /// The fax as its list row shows it.
        public let summary: Summary
        /// Attempts the fax may take in all (its retry policy's limit).
        public let maxAttempts: Int
    }

    /// The status of each of `ids` that the viewer may see, in no particular order; ids of
    /// other tenants (or of other users, for users who see only their own faxes) and unknown
    /// ids are simply absent, so the caller answers both alike.
    public func liveStatuses(_ ids: [Int64], viewer: Viewer) async throws -> [LiveStatus] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [] }
        var sql = "SELECT \(Self.summaryColumns), f.max_attempts FROM faxes f JOIN accounts a ON a.id = f.account_id WHERE f.id IN ("
            + Array(repeating: "?", count: unique.count).joined(separator: ", ") + ") AND a.path LIKE ?"
        var binds: [any SQLEncodable] = unique.map { $0 as any SQLEncodable }
        binds.append(viewer.scope.pathPattern)
        if let user = viewer.userID { sql += " AND f.user_id = ?"; binds.append(user) }
        let query = sql
        let values = binds
        return try await database.withConnection { try $0.query(query, values) }.map { row in
            LiveStatus(summary: try Self.summary(row: row), maxAttempts: try row.get("max_attempts"))
        }
    }
}
