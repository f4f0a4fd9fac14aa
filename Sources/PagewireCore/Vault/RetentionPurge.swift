import Foundation

/// What one purge run did.
public struct RetentionReport: Sendable, Equatable {
    /// Documents whose content was purged (they now read as expired).
    public var documentsExpired = 0
    /// Document rows removed after the metadata period.
    public var documentsRemoved = 0
    /// Abandoned half-written documents removed.
    public var abandonedRemoved = 0
    /// Rows removed by the registered metadata purges (faxes, attempts, events…).
    public var metadataRowsRemoved = 0

    /// An empty report.
    public init() {}
}

/// The retention purge `pagewire-jobs` runs periodically.
///
/// Per company: documents older than the effective retention lose their keys at once (so
/// they are unreadable) and are marked expired; their chunks are then deleted a few rows per
/// statement, each statement its own short transaction, so the table is never locked for long.
/// After the metadata period the document rows go too, and every registered `MetadataPurge`
/// runs for the company's subtree (the fax tables register theirs).
public struct RetentionPurge: Sendable {
    /// Deletes up to `limit` metadata rows of the subtree at `companyPath` created before `olderThan`;
    /// returns how many. Runs on its own connection outside any transaction.
    public typealias MetadataPurge = @Sendable (_ connection: DatabaseConnection, _ companyPath: String, _ olderThan: Date, _ limit: Int) throws -> Int

    /// Where documents and policies live.
    public let database: Database
    /// Limits for companies without a row.
    public let defaults: RetentionPolicy
    /// Purges for fax metadata tables, run after the document rows.
    public let metadataPurges: [MetadataPurge]
    /// Documents handled per statement.
    public let batchSize: Int
    /// Chunks deleted per statement (1 MiB each).
    public let chunkBatchSize: Int
    /// Documents still `writing` after this long were abandoned by a crashed writer.
    public let abandonedAfter: TimeInterval

    /// A purge; the defaults suit production, tests shrink the batches.
    public init(
        database: Database, defaults: RetentionPolicy = .platformDefault, metadataPurges: [MetadataPurge] = [],
        batchSize: Int = 200, chunkBatchSize: Int = 4, abandonedAfter: TimeInterval = 86_400
    ) {
        self.database = database
        self.defaults = defaults
        self.metadataPurges = metadataPurges
        self.batchSize = batchSize
        self.chunkBatchSize = chunkBatchSize
        self.abandonedAfter = abandonedAfter
    }

    /// Runs one purge over every company as of `now` (injected so tests can move the clock).
    public func run(now: Date = Date()) async throws -> RetentionReport {
        var report = RetentionReport()
        let defaults = self.defaults
        let companies = try await database.query(
            """
            SELECT c.id, c.path, p.min_days, p.max_days, p.chosen_days, p.metadata_days
            FROM accounts c LEFT JOIN retention_policies p ON p.company_id = c.id
            WHERE c.kind = 'company' ORDER BY c.id
            """)
        for company in companies {
            let companyID: Int64 = try company.get("id")
            let path: String = try company.get("path")
            let policy = try company.optional("min_days", as: Int.self) == nil
                ? defaults : try RetentionPolicies.policy(from: company, defaults: defaults)
            let contentCutoff = now.addingTimeInterval(-Double(policy.effectiveDays) * 86_400)
            let metadataCutoff = now.addingTimeInterval(-Double(policy.effectiveMetadataDays) * 86_400)
            report.documentsExpired += try await expireContent(companyID: companyID, before: contentCutoff, now: now)
            report.abandonedRemoved += try await removeAbandoned(companyID: companyID, before: now.addingTimeInterval(-abandonedAfter))
            report.documentsRemoved += try await removeMetadata(companyID: companyID, before: metadataCutoff)
            for purge in metadataPurges {
                let limit = batchSize
                while true {
                    let removed = try await database.withConnection { try purge($0, path, metadataCutoff, limit) }
                    report.metadataRowsRemoved += removed
                    if removed < limit { break }
                }
            }
        }
        return report
    }

    /// Shreds keys and marks expired, a batch at a time, then deletes the chunks. Documents of the
    /// library are kept: users store them to send again, and the faxes sent with them have their own copy, which does expire.
    private func expireContent(companyID: Int64, before cutoff: Date, now: Date) async throws -> Int {
        var expired = 0
        while true {
            let batch = batchSize
            let ids: [Int64] = try await database.transaction { connection in
                let ids = try connection.query(
                    """
                    SELECT id FROM documents WHERE company_id = ? AND state = 'stored' AND created_at < ?
                      AND NOT EXISTS (SELECT 1 FROM library_documents l WHERE l.document_id = documents.id)
                    ORDER BY created_at, id LIMIT ? FOR UPDATE
                    """,
                    companyID, cutoff, batch
                ).map { try $0.get("id", as: Int64.self) }
                guard !ids.isEmpty else { return [] }
                let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
                var binds: [any SQLEncodable] = [now, companyID]
                binds += ids as [any SQLEncodable]
                try connection.execute(
                    """
                    UPDATE documents SET state = 'expired', expired_at = ?, company_key_id = NULL, sealed_key = NULL,
                        transit_key_id = NULL, transit_wrapped_key = NULL WHERE company_id = ? AND id IN (\(placeholders))
                    """,
                    binds)
                return ids
            }
            for id in ids { try await DocumentStore.deleteChunks(of: id, database: database, batch: chunkBatchSize) }
            expired += ids.count
            if ids.count < batch { break }
        }
        // Chunks left behind by a run that stopped between the two steps.
        let leftovers = try await database.query(
            """
            SELECT d.id FROM documents d WHERE d.company_id = ? AND d.state = 'expired'
            AND EXISTS (SELECT 1 FROM document_chunks c WHERE c.document_id = d.id) LIMIT ?
            """,
            companyID, batchSize)
        for row in leftovers {
            try await DocumentStore.deleteChunks(of: try row.get("id"), database: database, batch: chunkBatchSize)
        }
        return expired
    }

    private func removeAbandoned(companyID: Int64, before cutoff: Date) async throws -> Int {
        let ids = try await database.query(
            "SELECT id FROM documents WHERE company_id = ? AND state = 'writing' AND created_at < ? LIMIT ?",
            companyID, cutoff, batchSize
        ).map { try $0.get("id", as: Int64.self) }
        for id in ids {
            try await DocumentStore.deleteChunks(of: id, database: database, batch: chunkBatchSize)
            try await database.execute("DELETE FROM documents WHERE id = ? AND company_id = ?", id, companyID)
        }
        return ids.count
    }

    private func removeMetadata(companyID: Int64, before cutoff: Date) async throws -> Int {
        var removed = 0
        while true {
            let n = Int(try await database.execute(
                "DELETE FROM documents WHERE company_id = ? AND state = 'expired' AND created_at < ? LIMIT ?",
                companyID, cutoff, batchSize
            ).affectedRows)
            removed += n
            if n < batchSize { return removed }
        }
    }
}
