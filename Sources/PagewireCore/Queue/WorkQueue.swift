import Foundation

/// One unit of background work, as claimed from the `work` table.
public struct WorkItem: Sendable, Equatable {
    public let id: Int64
    public let kind: String
    /// JSON text; handlers decode what they need.
    public let payload: String
    /// Attempts so far, including the one this claim starts.
    public let attempts: Int
    public let maxAttempts: Int
}

/// The work queue in MariaDB: at-least-once delivery with leases.
///
/// - `claim` locks ready rows with `SELECT … FOR UPDATE SKIP LOCKED` and leases them to `owner`
///   by moving `run_at` to the end of the lease, all in one transaction; concurrent claimers
///   never receive the same row.
/// - `complete` deletes rows still leased to `owner`; `fail` schedules the next attempt with
///   exponential back-off, or marks the row dead after `maxAttempts`.
/// - A process that dies (even by SIGKILL) simply stops renewing: when the lease runs out the
///   row is claimable again and another worker runs it. A handler may therefore run more than
///   once for one item, and must be idempotent; that is the guarantee, documented in
///   the README ("Work queue").
public struct WorkQueue: Sendable {
    public let database: Database
    /// Who holds the leases this instance takes (process role, host, pid, random suffix).
    public let owner: String

    public init(database: Database, owner: String) {
        self.database = database
        self.owner = owner
    }

    /// What `fail` decided.
    public enum FailureOutcome: Sendable, Equatable {
        case retryAt(Date)
        case dead
        /// The lease had already passed to another owner; nothing changed.
        case leaseLost
    }

    /// Adds work; with a `dedupeKey` a second enqueue of the same key returns the first row's id.
    @discardableResult
    public func enqueue(kind: String, payload: String = "{}", runAt: Date = Date(), maxAttempts: Int = 10, dedupeKey: String? = nil) async throws -> Int64 {
        try await database.withConnection { try Self.enqueue(on: $0, kind: kind, payload: payload, runAt: runAt, maxAttempts: maxAttempts, dedupeKey: dedupeKey) }
    }

    /// Adds work inside the caller's transaction, so the work exists exactly when the caller's rows do.
    @discardableResult
    public static func enqueue(on connection: DatabaseConnection, kind: String, payload: String = "{}", runAt: Date = Date(), maxAttempts: Int = 10, dedupeKey: String? = nil) throws -> Int64 {
        let result = try connection.execute(
            """
            INSERT INTO work (kind, payload_json, run_at, max_attempts, dedupe_key, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)
            """,
            kind, payload, runAt, maxAttempts, dedupeKey, Date())
        return Int64(result.lastInsertID)
    }

    /// Leases up to `limit` ready items of the given kinds for `lease` seconds.
    public func claim(kinds: [String], limit: Int = 1, lease: TimeInterval = 60, now: Date = Date()) async throws -> [WorkItem] {
        precondition(!kinds.isEmpty && limit > 0)
        let owner = self.owner
        let kindList = Array(repeating: "?", count: kinds.count).joined(separator: ", ")
        return try await database.transaction { connection in
            var binds: [any SQLEncodable] = [now]
            binds.append(contentsOf: kinds)
            binds.append(limit)
            let rows = try connection.query(
                """
                SELECT id, kind, payload_json, attempts, max_attempts FROM work
                WHERE state = 'ready' AND run_at <= ? AND kind IN (\(kindList))
                ORDER BY run_at LIMIT ? FOR UPDATE SKIP LOCKED
                """, binds)
            if rows.isEmpty { return [] }
            let items = try rows.map { row in
                WorkItem(
                    id: try row.get("id"), kind: try row.get("kind"), payload: try row.get("payload_json"),
                    attempts: try row.get("attempts", as: Int.self) + 1, maxAttempts: try row.get("max_attempts"))
            }
            let until = now.addingTimeInterval(lease)
            let idList = Array(repeating: "?", count: items.count).joined(separator: ", ")
            var update: [any SQLEncodable] = [owner, until, until]
            update.append(contentsOf: items.map(\.id))
            try connection.execute(
                "UPDATE work SET attempts = attempts + 1, lease_owner = ?, lease_until = ?, run_at = ? WHERE id IN (\(idList))",
                update)
            return items
        }
    }

    /// Finishes items still leased to this owner; returns how many it finished.
    @discardableResult
    public func complete(_ ids: [Int64]) async throws -> Int {
        if ids.isEmpty { return 0 }
        let owner = self.owner
        let idList = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        let binds: [any SQLEncodable] = [owner] + ids.map { $0 as any SQLEncodable }
        let result = try await database.withConnection {
            try $0.execute("DELETE FROM work WHERE lease_owner = ? AND id IN (\(idList))", binds)
        }
        return Int(result.affectedRows)
    }

    /// Finishes one item.
    @discardableResult
    public func complete(_ item: WorkItem) async throws -> Bool {
        try await complete([item.id]) == 1
    }

    /// Records a failed attempt: retried after `retryAfter` (default: exponential back-off from
    /// 5 s, capped at one hour), or dead once the item has used all its attempts.
    @discardableResult
    public func fail(_ item: WorkItem, error: String, retryAfter: TimeInterval? = nil, now: Date = Date()) async throws -> FailureOutcome {
        let delay = retryAfter ?? Self.backoff(attempt: item.attempts)
        let next = now.addingTimeInterval(delay)
        let dead = item.attempts >= item.maxAttempts
        let owner = self.owner
        let message = String(error.prefix(2000))
        let result = try await database.withConnection {
            try $0.execute(
                """
                UPDATE work SET state = ?, run_at = ?, lease_owner = NULL, lease_until = NULL, last_error = ?
                WHERE id = ? AND lease_owner = ?
                """,
                dead ? "dead" : "ready", next, message, item.id, owner)
        }
        if result.affectedRows == 0 { return .leaseLost }
        return dead ? .dead : .retryAt(next)
    }

    /// Extends the lease of an item that is still being worked on.
    @discardableResult
    public func renew(_ item: WorkItem, lease: TimeInterval, now: Date = Date()) async throws -> Bool {
        let until = now.addingTimeInterval(lease)
        let owner = self.owner
        let result = try await database.withConnection {
            try $0.execute("UPDATE work SET run_at = ?, lease_until = ? WHERE id = ? AND lease_owner = ? AND state = 'ready'", until, until, item.id, owner)
        }
        return result.affectedRows == 1
    }

    /// Dead items of a kind, newest first, for the operator to inspect.
    public func deadItems(kind: String, limit: Int = 100) async throws -> [(item: WorkItem, lastError: String?)] {
        try await database.withConnection { c in
            try c.query(
                "SELECT id, kind, payload_json, attempts, max_attempts, last_error FROM work WHERE state = 'dead' AND kind = ? ORDER BY id DESC LIMIT ?",
                kind, limit
            ).map { row in
                (WorkItem(id: try row.get("id"), kind: try row.get("kind"), payload: try row.get("payload_json"),
                          attempts: try row.get("attempts"), maxAttempts: try row.get("max_attempts")),
                 try row.optional("last_error", as: String.self))
            }
        }
    }

    /// Puts a dead item back in the queue with a fresh set of attempts.
    @discardableResult
    public func revive(id: Int64, now: Date = Date()) async throws -> Bool {
        let result = try await database.withConnection {
            try $0.execute("UPDATE work SET state = 'ready', attempts = 0, run_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND state = 'dead'", now, id)
        }
        return result.affectedRows == 1
    }

    /// Back-off before attempt `attempt + 1`: 5 s, 10 s, 20 s … capped at one hour.
    public static func backoff(attempt: Int) -> TimeInterval {
        min(3600, 5 * pow(2, Double(max(0, attempt - 1))))
    }
}
