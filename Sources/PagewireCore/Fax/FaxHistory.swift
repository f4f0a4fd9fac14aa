import Foundation

/// The read side of faxes for the portal and reports: lists with filters and keyset paging,
/// one fax with its attempts and events, and daily page counts. Every query is scoped to an
/// account subtree (and, for plain users, to their own faxes), so another tenant's id reads
/// as not found.
public struct FaxHistory: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Who is asking: the subtree they may see, and whether only their own faxes.
    public struct Viewer: Sendable {
        public let scope: AccountScope
        public let userID: Int64?
        public init(scope: AccountScope, onlyUser userID: Int64?) {
            self.scope = scope
            self.userID = userID
        }
    }

    /// One row of an outbox or inbox.
    public struct Summary: Sendable, Equatable {
        public let id: Int64
        public let direction: String
        public let state: FaxState
        public let resultCode: ResultCode?
        public let remoteNumber: String
        public let callerID: String?
        public let pages: Int?
        public let pagesSent: Int
        public let attempts: Int
        public let createdAt: Date
        public let completedAt: Date?
        public let userID: Int64?
    }

    /// Filters of the outbox and inbox pages.
    public struct Filter: Sendable, Equatable {
        public var direction: String
        public var from: Date?
        /// Exclusive upper bound.
        public var until: Date?
        public var states: [FaxState]
        /// Digits the remote number contains.
        public var number: String?
        public init(direction: String, from: Date? = nil, until: Date? = nil, states: [FaxState] = [], number: String? = nil) {
            self.direction = direction
            self.from = from
            self.until = until
            self.states = states
            self.number = number
        }
    }

    /// A page of faxes, newest first, and the cursor of the next (older) page.
    public struct Page: Sendable {
        public let faxes: [Summary]
        public let nextCursor: Int64?
    }

    static let summaryColumns = """
        f.id, f.direction, f.state, f.result_code, f.remote_number, f.caller_id, f.pages, f.pages_sent, f.attempts,
        f.created_at, f.completed_at, f.user_id
        """

    /// Faxes matching `filter`, newest first, older than `cursor` (a fax id) when given.
    /// Keyset paging on the primary key: the cost of a page does not grow with its depth.
    public func list(_ filter: Filter, viewer: Viewer, before cursor: Int64? = nil, limit: Int = 50) async throws -> Page {
        try await database.withConnection { c in try Self.list(filter, viewer: viewer, before: cursor, limit: limit, on: c) }
    }

    /// `list(_:viewer:before:limit:)` on a connection the caller holds (one trip to the pool
    /// for a page's settings and its faxes).
    public static func list(_ filter: Filter, viewer: Viewer, before cursor: Int64? = nil, limit: Int = 50, on c: DatabaseConnection) throws -> Page {
        // The subtree's account ids first (a handful), so the fax query can walk an
        // (account_id, direction, id) or (user_id, direction, id) index and stop after one page.
        let accountIDs = try c.query("SELECT id FROM accounts WHERE path LIKE ?", viewer.scope.pathPattern)
            .map { try $0.get("id", as: Int64.self) }
        guard !accountIDs.isEmpty else { return Page(faxes: [], nextCursor: nil) }
        // The optimizer would intersect both list indexes and sort the result (seconds at a
        // million rows); walking the one that matches the viewer stops after a page.
        let index = viewer.userID == nil ? "faxes_account_list" : "faxes_user_list"
        var sql = "SELECT \(Self.summaryColumns) FROM faxes f FORCE INDEX (\(index)) WHERE f.account_id IN ("
            + Array(repeating: "?", count: accountIDs.count).joined(separator: ", ") + ") AND f.direction = ?"
        var binds: [any SQLEncodable] = accountIDs.map { $0 as any SQLEncodable }
        binds.append(filter.direction)
        if let user = viewer.userID { sql += " AND f.user_id = ?"; binds.append(user) }
        if let cursor { sql += " AND f.id < ?"; binds.append(cursor) }
        if let from = filter.from { sql += " AND f.created_at >= ?"; binds.append(from) }
        if let until = filter.until { sql += " AND f.created_at < ?"; binds.append(until) }
        if !filter.states.isEmpty {
            sql += " AND f.state IN (" + Array(repeating: "?", count: filter.states.count).joined(separator: ", ") + ")"
            binds += filter.states.map { $0.rawValue as any SQLEncodable }
        }
        if let number = filter.number?.filter(\.isNumber), !number.isEmpty {
            sql += " AND f.remote_number LIKE ?"
            binds.append("%" + number + "%")
        }
        sql += " ORDER BY f.id DESC LIMIT ?"
        binds.append(limit + 1)
        var faxes = try c.query(sql, binds).map(Self.summary(row:))
        var next: Int64?
        if faxes.count > limit {
            faxes.removeLast()
            next = faxes.last?.id
        }
        return Page(faxes: faxes, nextCursor: next)
    }

    /// One attempt of an outbound fax.
    public struct Attempt: Sendable, Equatable {
        public let n: Int
        public let startedAt: Date
        public let endedAt: Date?
        public let resultCode: ResultCode?
        public let sipStatus: Int?
        public let t30Code: Int?
        public let pagesSent: Int
        public let bitRate: Int?
        public let ecm: Bool?
        public let remoteCSID: String?
        public let detail: String?
    }

    /// One message event (submitted, rendered, attempt, delivery to a route …).
    public struct Event: Sendable, Equatable {
        public let at: Date
        public let type: String
        public let target: String?
        public let status: String
        public let detail: String?
    }

    /// A fax with its attempts and events.
    public struct Detail: Sendable {
        public let summary: Summary
        public let quality: String
        public let maxAttempts: Int
        public let nextAttemptAt: Date?
        public let attempts: [Attempt]
        public let events: [Event]
    }

    /// The fax `id` if the viewer may see it; nil otherwise (also for other tenants' ids).
    public func detail(_ id: Int64, viewer: Viewer) async throws -> Detail? {
        try await database.withConnection { c in
            var sql = "SELECT \(Self.summaryColumns), f.quality, f.max_attempts, f.next_attempt_at FROM faxes f JOIN accounts a ON a.id = f.account_id WHERE f.id = ? AND a.path LIKE ?"
            var binds: [any SQLEncodable] = [id, viewer.scope.pathPattern]
            if let user = viewer.userID { sql += " AND f.user_id = ?"; binds.append(user) }
            guard let row = try c.query(sql, binds).first else { return nil }
            let attempts = try c.query(
                """
                SELECT n, started_at, ended_at, result_code, sip_status, t30_code, pages_sent, bit_rate, ecm, remote_csid, detail
                FROM fax_attempts WHERE fax_id = ? ORDER BY n
                """, id
            ).map { r in
                Attempt(
                    n: try r.get("n"), startedAt: try r.get("started_at"), endedAt: try r.optional("ended_at"),
                    resultCode: try r.optional("result_code", as: String.self).flatMap(ResultCode.init(rawValue:)),
                    sipStatus: try r.optional("sip_status"), t30Code: try r.optional("t30_code"), pagesSent: try r.get("pages_sent"),
                    bitRate: try r.optional("bit_rate"), ecm: try r.optional("ecm"), remoteCSID: try r.optional("remote_csid"),
                    detail: try r.optional("detail"))
            }
            let events = try c.query("SELECT at, type, target, status, detail FROM fax_events WHERE fax_id = ? ORDER BY at, id", id).map { r in
                Event(at: try r.get("at"), type: try r.get("type"), target: try r.optional("target"), status: try r.get("status"), detail: try r.optional("detail"))
            }
            return Detail(
                summary: try Self.summary(row: row), quality: try row.get("quality"), maxAttempts: try row.get("max_attempts"),
                nextAttemptAt: try row.optional("next_attempt_at"), attempts: attempts, events: events)
        }
    }

    /// Pages sent and received per day, for the `days` days ending today in `timeZone`.
    public func pagesPerDay(viewer: Viewer, days: Int, timeZone: TimeZone, now: Date = Date()) async throws -> [(day: Date, sent: Int, received: Int)] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: now)
        let first = calendar.date(byAdding: .day, value: -(days - 1), to: today)!
        var sql = """
            SELECT f.direction, f.created_at, CASE WHEN f.direction = 'outbound' THEN f.pages_sent ELSE COALESCE(f.pages, 0) END AS p
            FROM faxes f JOIN accounts a ON a.id = f.account_id WHERE a.path LIKE ? AND f.created_at >= ?
            """
        var binds: [any SQLEncodable] = [viewer.scope.pathPattern, first]
        if let user = viewer.userID { sql += " AND f.user_id = ?"; binds.append(user) }
        // Summed per hour in SQL (few rows), then placed into local days here: time zones
        // need no tz tables in MariaDB this way.
        let hourly = "SELECT direction, DATE_FORMAT(created_at, '%Y-%m-%d %H:00:00') AS h, CAST(SUM(p) AS SIGNED) AS pages FROM (\(sql)) x GROUP BY direction, h"
        let values = binds
        let rows = try await database.withConnection { try $0.query(hourly, values) }
        var sent = [Date: Int](), received = [Date: Int]()
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = TimeZone(identifier: "UTC")
        parser.dateFormat = "yyyy-MM-dd HH:mm:ss"
        for row in rows {
            guard let hour = parser.date(from: try row.get("h")) else { continue }
            let day = calendar.startOfDay(for: hour)
            let pages: Int = try row.get("pages")
            if try row.get("direction", as: String.self) == "outbound" { sent[day, default: 0] += pages } else { received[day, default: 0] += pages }
        }
        return (0..<days).map { i in
            let day = calendar.date(byAdding: .day, value: i, to: first)!
            return (day, sent[day] ?? 0, received[day] ?? 0)
        }
    }

    static func summary(row: SQLRow) throws -> Summary {
        Summary(
            id: try row.get("id"), direction: try row.get("direction"),
            state: FaxState(rawValue: try row.get("state")) ?? .failed,
            resultCode: try row.optional("result_code", as: String.self).flatMap(ResultCode.init(rawValue:)),
            remoteNumber: try row.get("remote_number"), callerID: try row.optional("caller_id"), pages: try row.optional("pages"),
            pagesSent: try row.get("pages_sent"), attempts: try row.get("attempts"), createdAt: try row.get("created_at"),
            completedAt: try row.optional("completed_at"), userID: try row.optional("user_id"))
    }
}

extension FaxHistory {
    /// The vault documents a fax was submitted with, in page order (for resending).
    public func originalDocumentIDs(faxID: Int64) async throws -> [Int64] {
        try await database.query("SELECT document_id FROM fax_documents WHERE fax_id = ? AND role = 'original' ORDER BY n", faxID)
            .map { try $0.get("document_id") }
    }
}
