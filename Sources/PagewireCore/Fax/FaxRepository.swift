import Foundation

/// Reads faxes for the API and the portal, always inside the caller's account subtree; state
/// changes go through `FaxScheduler`.
public struct FaxRepository: Sendable {
    /// Where faxes live.
    public let database: Database

    /// A repository over `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Fax `id` with its attempts, events, documents and cover page, or nil when it is not in `scope`.
    public func detail(_ id: Int64, scope: AccountScope) async throws -> FaxDetail? {
        try await database.withConnection { c -> FaxDetail? in
            guard let row = try c.query(
                "SELECT \(FaxRecord.columns) FROM faxes f JOIN accounts a ON a.id = f.account_id WHERE f.id = ? AND a.path LIKE ?",
                id, scope.pathPattern
            ).first else { return nil }
            let fax = try FaxRecord(row: row)
            let attempts = try c.query(
                """
                SELECT n, started_at, ended_at, result_code, sip_status, t30_code, pages_sent, bit_rate, ecm, remote_csid, trunk, detail
                FROM fax_attempts WHERE fax_id = ? ORDER BY n
                """, id
            ).map { r throws(DatabaseError) in
                FaxAttemptRecord(
                    n: try r.get("n"), startedAt: try r.get("started_at"), endedAt: try r.optional("ended_at"),
                    resultCode: try r.optional("result_code", as: String.self).flatMap(ResultCode.init(rawValue:)),
                    sipStatus: try r.optional("sip_status"), t30Code: try r.optional("t30_code"), pagesSent: try r.get("pages_sent"),
                    bitRate: try r.optional("bit_rate"), ecm: try r.optional("ecm"), remoteCSID: try r.optional("remote_csid"),
                    trunk: try r.optional("trunk"), detail: try r.optional("detail"))
            }
            let events = try c.query("SELECT at, type, target, status, detail FROM fax_events WHERE fax_id = ? ORDER BY at, id", id)
                .map { r throws(DatabaseError) in
                    FaxEventRecord(at: try r.get("at"), type: try r.get("type"), target: try r.optional("target"),
                                   status: try r.get("status"), detail: try r.optional("detail"))
                }
            let documents = try c.query(
                """
                SELECT fd.n, fd.role, fd.document_id, d.content_type, d.byte_count, d.state FROM fax_documents fd
                JOIN documents d ON d.id = fd.document_id AND d.company_id = ? WHERE fd.fax_id = ? ORDER BY fd.role, fd.n
                """, fax.companyID, id
            ).map { r throws(DatabaseError) in
                FaxDocumentRecord(n: try r.get("n"), role: try r.get("role"), documentID: try r.get("document_id"),
                                  contentType: try r.get("content_type"), byteCount: try r.get("byte_count"), state: try r.get("state"))
            }
            return FaxDetail(fax: fax, attempts: attempts, events: events, documents: documents)
        }
    }

    /// A page of faxes in `scope` matching `filter`, newest first, starting after fax id `before`
    /// (keyset pagination: stable while new faxes arrive).
    public func list(_ filter: FaxFilter, scope: AccountScope, before: Int64? = nil, limit: Int) async throws -> [FaxRecord] {
        var sql = "SELECT \(FaxRecord.columns) FROM faxes f JOIN accounts a ON a.id = f.account_id WHERE a.path LIKE ?"
        var binds: [any SQLEncodable] = [scope.pathPattern]
        if let before { sql += " AND f.id < ?"; binds.append(before) }
        if let direction = filter.direction { sql += " AND f.direction = ?"; binds.append(direction) }
        if !filter.states.isEmpty {
            sql += " AND f.state IN (" + Array(repeating: "?", count: filter.states.count).joined(separator: ", ") + ")"
            binds += filter.states.map(\.rawValue) as [any SQLEncodable]
        }
        if let from = filter.createdFrom { sql += " AND f.created_at >= ?"; binds.append(from) }
        if let to = filter.createdBefore { sql += " AND f.created_at < ?"; binds.append(to) }
        if let number = filter.remoteNumber { sql += " AND f.remote_number = ?"; binds.append(number) }
        if let user = filter.userID { sql += " AND f.user_id = ?"; binds.append(user) }
        if let account = filter.accountID {
            // The filter node itself must be in scope; its path bounds the subtree.
            sql += " AND a.path LIKE CONCAT((SELECT s.path FROM accounts s WHERE s.id = ? AND s.path LIKE ?), '%')"
            binds += [account, scope.pathPattern] as [any SQLEncodable]
        }
        sql += " ORDER BY f.id DESC LIMIT ?"
        binds.append(max(1, min(limit, 1000)))
        let query = sql
        let values = binds
        return try await database.withConnection { c in try c.query(query, values).map { try FaxRecord(row: $0) } }
    }

    /// The ids of `ids` that lie in `scope` (for bulk calls).
    public func existing(_ ids: [Int64], scope: AccountScope) async throws -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        let binds: [any SQLEncodable] = (ids as [any SQLEncodable]) + [scope.pathPattern]
        return try await database.withConnection { c in
            Set(try c.query(
                "SELECT f.id FROM faxes f JOIN accounts a ON a.id = f.account_id WHERE f.id IN (\(placeholders)) AND a.path LIKE ?",
                binds
            ).map { try $0.get("id", as: Int64.self) })
        }
    }

    /// The faxes an earlier submission with this idempotency key created for `userID`, with their request hash.
    public func idempotentSubmission(userID: Int64, key: String) async throws -> (ids: [Int64], hashes: Set<String>) {
        let rows = try await database.query(
            "SELECT id, request_hash FROM faxes WHERE user_id = ? AND idempotency_key = ? ORDER BY id", userID, key)
        return (try rows.map { try $0.get("id", as: Int64.self) }, Set(try rows.map { try $0.get("request_hash", as: String.self) }))
    }
}

extension FaxRepository {
    /// Id, number and state of `ids` inside `scope`, in id order (the answer to a submission).
    public func summaries(_ ids: [Int64], scope: AccountScope) async throws -> [(id: Int64, remoteNumber: String, state: FaxState)] {
        guard !ids.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        let binds: [any SQLEncodable] = (ids as [any SQLEncodable]) + [scope.pathPattern]
        return try await database.withConnection { c in
            try c.query(
                """
                SELECT f.id, f.remote_number, f.state FROM faxes f JOIN accounts a ON a.id = f.account_id
                WHERE f.id IN (\(placeholders)) AND a.path LIKE ? ORDER BY f.id
                """, binds
            ).map { (try $0.get("id", as: Int64.self), try $0.get("remote_number", as: String.self),
                     FaxState(rawValue: try $0.get("state", as: String.self)) ?? .submitted) }
        }
    }

    /// Whether fax `faxID` uses document `documentID` (tells a fresh submission from a replay).
    public func uses(faxID: Int64, documentID: Int64) async throws -> Bool {
        try await !database.query("SELECT fax_id FROM fax_documents WHERE fax_id = ? AND document_id = ? LIMIT 1", faxID, documentID).isEmpty
    }
}
