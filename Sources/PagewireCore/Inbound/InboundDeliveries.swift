import Foundation

/// One route of one delivery round, ready to run.
public struct InboundDeliveryJob: Sendable, Equatable {
    public var deliveryID: Int64
    public var round: Int
    public var config: InboundRouteConfig
    public var fax: InboundFax

    public init(deliveryID: Int64, round: Int, config: InboundRouteConfig, fax: InboundFax) {
        self.deliveryID = deliveryID
        self.round = round
        self.config = config
        self.fax = fax
    }
}

/// What happened to one fax of a resubmission (the guide's Bulk Resubmit result list).
public struct ResubmitOutcome: Sendable, Equatable, Codable {
    public var id: Int64
    /// `queued`, `not_found`, `not_received` (a failed reception has nothing to deliver),
    /// `in_progress` (a delivery is running), `document_expired` (past retention).
    public var outcome: String
    public var round: Int?

    public init(id: Int64, outcome: String, round: Int? = nil) {
        self.id = id
        self.outcome = outcome
        self.round = round
    }
}

/// The delivery of received faxes (DESIGN.md §4): received → delivering → delivered |
/// delivery_failed, one `inbound_deliveries` row and its own work item per route and target of
/// each round, one `fax_events` row per try. Rows and work are written in the transaction that
/// changes the fax, so a crash never leaves a route without its work or work without its row.
public struct InboundDeliveries: Sendable {
    public let database: Database

    /// Work kind of one route of one round (`{"delivery_id": N}`).
    public static let routeKind = "fax.deliver_inbound.route"

    public init(database: Database) { self.database = database }

    // MARK: - Reading

    /// The fax, if it is an inbound fax (no scope: for pagewire-jobs).
    public func fax(_ id: Int64) async throws -> InboundFax? {
        try await database.query(
            "SELECT \(InboundFax.columns) FROM faxes f JOIN accounts a ON a.id = f.account_id WHERE f.id = ? AND f.direction = 'inbound'", id
        ).first.map(InboundFax.init(row:))
    }

    /// The fax if it lies inside `scope`.
    public func fax(_ id: Int64, scope: AccountScope) async throws -> InboundFax? {
        try await database.query(
            """
            SELECT \(InboundFax.columns) FROM faxes f JOIN accounts a ON a.id = f.account_id
            WHERE f.id = ? AND f.direction = 'inbound' AND a.path LIKE ?
            """, id, scope.pathPattern
        ).first.map(InboundFax.init(row:))
    }

    /// The owner's effective settings for delivery: the number's user, or the account of a shared queue.
    public func settings(for fax: InboundFax) async throws -> [String: String] {
        try await SettingsRepository(database: database).effectiveJSON(
            names: Settings.inboundDeliveryKeyNames, forUser: fax.userID ?? 0, accountPath: fax.accountPath)
    }

    /// The brand notices and e-mails carry: the nearest reseller's name, or "Pagewire".
    public func brand(companyID: Int64) async throws -> String {
        try await database.query(
            """
            SELECT r.name FROM accounts co JOIN accounts r ON r.kind = 'reseller' AND co.path LIKE CONCAT(r.path, '%')
            WHERE co.id = ? ORDER BY LENGTH(r.path) DESC LIMIT 1
            """, companyID
        ).first?.get("name") ?? "Pagewire"
    }

    /// Inbound faxes in `scope` after id `after`, oldest first (the pull API's cursor order).
    public func list(scope: AccountScope, after: Int64, includeAcknowledged: Bool, limit: Int) async throws -> [InboundFax] {
        try await database.query(
            """
            SELECT \(InboundFax.columns) FROM faxes f JOIN accounts a ON a.id = f.account_id
            WHERE f.direction = 'inbound' AND f.id > ? AND a.path LIKE ? AND f.state <> 'receiving'
              AND (? OR f.acknowledged_at IS NULL)
            ORDER BY f.id LIMIT ?
            """, after, scope.pathPattern, includeAcknowledged, limit
        ).map(InboundFax.init(row:))
    }

    /// The route rows of a fax, oldest first.
    public func deliveries(faxID: Int64) async throws -> [(id: Int64, round: Int, route: String, target: String, status: String, attempts: Int, lastError: String?)] {
        try await database.query(
            "SELECT id, round, route, target, status, attempts, last_error FROM inbound_deliveries WHERE fax_id = ? ORDER BY id", faxID
        ).map { r in
            (try r.get("id"), try r.get("round"), try r.get("route"), try r.get("target"), try r.get("status"), try r.get("attempts"),
             try r.optional("last_error"))
        }
    }

    // MARK: - Rounds

    /// Which round a `fax.deliver_inbound` item asks for: its payload's `round`, else the first.
    public static func requestedRound(payload: String) -> Int {
        struct P: Decodable { let round: Int? }
        return (try? JSONDecoder().decode(P.self, from: Data(payload.utf8)))?.round ?? 1
    }

    /// Starts round `round` of `faxID` along `routes`, with the documents prepared for it (the
    /// stamped TIFF and its PDF; the previous round's are replaced and returned for deletion).
    /// Does nothing when the round already began (a repeated work item). Returns the new state.
    @discardableResult
    public func beginRound(faxID: Int64, round: Int, routes: [InboundRouteConfig], deliveryTIFF: Int64?, deliveryPDF: Int64?,
                           maxAttempts: Int, now: Date = Date()) async throws -> (began: Bool, state: FaxState, replacedDocuments: [Int64]) {
        try await database.transaction { c in
            guard let row = try c.query("SELECT state, delivery_round, company_id FROM faxes WHERE id = ? AND direction = 'inbound' FOR UPDATE", faxID).first
            else { throw AccountError.notFound }
            let state = FaxState(rawValue: try row.get("state")) ?? .failed
            let current: Int = try row.get("delivery_round")
            guard current < round, state != .receiving, state != .failed else { return (false, state, []) }
            let companyID: Int64 = try row.get("company_id")
            var replaced: [Int64] = []
            if let deliveryTIFF {
                replaced = try c.query("SELECT document_id FROM fax_documents WHERE fax_id = ? AND role = 'delivery'", faxID).map { try $0.get("document_id") }
                try c.execute("DELETE FROM fax_documents WHERE fax_id = ? AND role = 'delivery'", faxID)
                try c.execute("INSERT INTO fax_documents (fax_id, n, document_id, role) VALUES (?, 1, ?, 'delivery')", faxID, deliveryTIFF)
                if let deliveryPDF {
                    try c.execute("INSERT INTO fax_documents (fax_id, n, document_id, role) VALUES (?, 2, ?, 'delivery')", faxID, deliveryPDF)
                }
            }
            var pending = 0
            for config in routes {
                let json = String(decoding: try JSONEncoder().encode(config.redacted), as: UTF8.self)
                let delivered = config.route == .api
                let id = Int64(try c.execute(
                    """
                    INSERT INTO inbound_deliveries (fax_id, company_id, round, route, target, config_json, status, created_at, finished_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)
                    """,
                    faxID, companyID, round, config.route.rawValue, config.target, json, delivered ? "delivered" : "pending", now,
                    delivered ? now : nil).lastInsertID)
                if delivered {
                    try FaxScheduler.event(c, faxID, now, "forwarded", target: config.target, status: "available", detail: "waiting for an API client to pull it")
                } else {
                    pending += 1
                    try WorkQueue.enqueue(on: c, kind: Self.routeKind, payload: "{\"delivery_id\":\(id)}", runAt: now, maxAttempts: maxAttempts,
                                          dedupeKey: "\(Self.routeKind).\(id)")
                }
            }
            if routes.isEmpty {
                try FaxScheduler.event(c, faxID, now, "forwarded", target: "inbox", status: "delivered", detail: "no delivery route is set: the fax is in the inbox")
            }
            let next: FaxState = pending > 0 ? .delivering : .delivered
            try c.execute(
                "UPDATE faxes SET state = ?, delivery_round = ?, completed_at = ?, updated_at = ? WHERE id = ?",
                next.rawValue, round, next == .delivered ? now : nil, now, faxID)
            return (true, next, replaced)
        }
    }

    /// Ends a fax whose documents could not be prepared after the last try (a received TIFF that
    /// does not decode): `delivery_failed`, a `failed` event, the owner told. It stays in the inbox.
    public func preparationFailed(faxID: Int64, error: String, now: Date = Date()) async throws {
        try await database.transaction { c in
            guard let row = try c.query("SELECT state FROM faxes WHERE id = ? AND direction = 'inbound' FOR UPDATE", faxID).first,
                  ["received", "delivering"].contains(try row.get("state", as: String.self)) else { return }
            try c.execute("UPDATE faxes SET state = 'delivery_failed', completed_at = ?, updated_at = ? WHERE id = ?", now, now, faxID)
            try FaxScheduler.event(c, faxID, now, "failed", target: "preparation", status: "failed", detail: "the document could not be prepared: \(error)")
            try FaxNotice.record(on: c, faxID: faxID, notice: .final, now: now)
        }
    }

    /// The route row `deliveryID` with its fax and the target's current credentials, or nil when
    /// it no longer needs running (done, or a later round replaced it).
    public func job(_ deliveryID: Int64) async throws -> InboundDeliveryJob? {
        guard let row = try await database.query(
            "SELECT fax_id, round, status, config_json FROM inbound_deliveries WHERE id = ?", deliveryID
        ).first, try row.get("status", as: String.self) == "pending" else { return nil }
        guard let fax = try await fax(try row.get("fax_id")) else { return nil }
        let stored = try JSONDecoder().decode(InboundRouteConfig.self, from: Data(try row.get("config_json", as: String.self).utf8))
        // Credentials are not stored with the row: they come from the settings that hold them.
        let config = [.sftp, .archiveSFTP, .https].contains(stored.route) ? stored.withCredentials(from: try await settings(for: fax)) : stored
        return InboundDeliveryJob(deliveryID: deliveryID, round: try row.get("round"), config: config, fax: fax)
    }

    /// Records a delivered route (`forwarded` event) and settles the fax when it was the last.
    @discardableResult
    public func succeeded(_ job: InboundDeliveryJob, detail: String, now: Date = Date()) async throws -> FaxState? {
        try await database.transaction { c in
            let changed = try c.execute(
                "UPDATE inbound_deliveries SET status = 'delivered', attempts = attempts + 1, last_error = NULL, finished_at = ? WHERE id = ? AND status = 'pending'",
                now, job.deliveryID)
            guard changed.affectedRows == 1 else { return nil }
            try FaxScheduler.event(c, job.fax.id, now, job.config.route.isArchive ? "archived" : "forwarded", target: job.config.target,
                                   status: "delivered", detail: detail)
            return try Self.settle(c, faxID: job.fax.id, round: job.round, now: now)
        }
    }

    /// Records a failed try (`failed` event, status `retrying`, or `failed` when `final`); after
    /// the last try the fax is settled, and the owner told when the delivery failed.
    @discardableResult
    public func failed(_ job: InboundDeliveryJob, error: String, final: Bool, now: Date = Date()) async throws -> FaxState? {
        try await database.transaction { c in
            let changed = try c.execute(
                """
                UPDATE inbound_deliveries SET attempts = attempts + 1, last_error = ?, status = ?, finished_at = ?
                WHERE id = ? AND status = 'pending'
                """,
                String(error.prefix(500)), final ? "failed" : "pending", final ? now : nil, job.deliveryID)
            guard changed.affectedRows == 1 else { return nil }
            try FaxScheduler.event(c, job.fax.id, now, "failed", target: job.config.target, status: final ? "failed" : "retrying", detail: error)
            return final ? try Self.settle(c, faxID: job.fax.id, round: job.round, now: now) : nil
        }
    }

    /// When no route of the fax's current round is pending: delivered, or delivery_failed with the
    /// owner's failure notice queued. The received fax stays in the inbox either way.
    static func settle(_ c: DatabaseConnection, faxID: Int64, round: Int, now: Date) throws -> FaxState? {
        guard let fax = try c.query("SELECT delivery_round, state FROM faxes WHERE id = ? FOR UPDATE", faxID).first,
              try fax.get("delivery_round", as: Int.self) == round else { return nil }
        let counts = try c.query(
            """
            SELECT (SELECT COUNT(*) FROM inbound_deliveries WHERE fax_id = ? AND round = ? AND status = 'pending') AS pending,
                   (SELECT COUNT(*) FROM inbound_deliveries WHERE fax_id = ? AND round = ? AND status = 'failed') AS failed
            """, faxID, round, faxID, round)[0]
        guard try counts.get("pending", as: Int.self) == 0 else { return nil }
        let next: FaxState = try counts.get("failed", as: Int.self) > 0 ? .deliveryFailed : .delivered
        try c.execute("UPDATE faxes SET state = ?, completed_at = ?, updated_at = ? WHERE id = ?", next.rawValue, now, now, faxID)
        if next == .deliveryFailed { try FaxNotice.record(on: c, faxID: faxID, notice: .final, now: now) }
        return next
    }

    // MARK: - Resubmission and acknowledgement

    /// Queues a new delivery round for each of `ids` in `scope`, through the routes configured now.
    public func resubmit(_ ids: [Int64], scope: AccountScope, now: Date = Date()) async throws -> [ResubmitOutcome] {
        var outcomes: [ResubmitOutcome] = []
        for id in ids {
            let outcome = try await database.transaction { c -> ResubmitOutcome in
                guard let row = try c.query(
                    """
                    SELECT f.state, f.delivery_round,
                           (SELECT d.state FROM fax_documents fd JOIN documents d ON d.id = fd.document_id
                            WHERE fd.fax_id = f.id AND fd.role = 'received' ORDER BY fd.n LIMIT 1) AS document_state
                    FROM faxes f JOIN accounts a ON a.id = f.account_id
                    WHERE f.id = ? AND f.direction = 'inbound' AND a.path LIKE ? FOR UPDATE
                    """, id, scope.pathPattern
                ).first else { return ResubmitOutcome(id: id, outcome: "not_found") }
                let state = FaxState(rawValue: try row.get("state")) ?? .failed
                switch state {
                case .receiving, .failed: return ResubmitOutcome(id: id, outcome: "not_received")
                case .delivering: return ResubmitOutcome(id: id, outcome: "in_progress")
                default: break
                }
                guard let documentState: String = try row.optional("document_state"), documentState == "stored"
                else { return ResubmitOutcome(id: id, outcome: "document_expired") }
                let round = try row.get("delivery_round", as: Int.self) + 1
                try c.execute("UPDATE faxes SET state = 'delivering', updated_at = ? WHERE id = ?", now, id)
                try FaxScheduler.event(c, id, now, "resubmitted", status: "queued", detail: "delivery round \(round) through the routes configured now")
                try WorkQueue.enqueue(on: c, kind: InboundFaxes.deliverKind, payload: "{\"fax_id\":\(id),\"round\":\(round)}", runAt: now,
                                      dedupeKey: "\(InboundFaxes.deliverKind).\(id).r\(round)")
                return ResubmitOutcome(id: id, outcome: "queued", round: round)
            }
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// Ids of inbound faxes in `scope` received in `[from, before)` (the bulk resubmit's query), newest first.
    public func ids(scope: AccountScope, receivedFrom from: Date?, before: Date?, states: [FaxState], limit: Int) async throws -> [Int64] {
        var sql = "SELECT f.id FROM faxes f JOIN accounts a ON a.id = f.account_id WHERE f.direction = 'inbound' AND a.path LIKE ?"
        var binds: [any SQLEncodable] = [scope.pathPattern]
        if let from { sql += " AND f.created_at >= ?"; binds.append(from) }
        if let before { sql += " AND f.created_at < ?"; binds.append(before) }
        if !states.isEmpty {
            sql += " AND f.state IN (\(Array(repeating: "?", count: states.count).joined(separator: ", ")))"
            binds += states.map { $0.rawValue as any SQLEncodable }
        }
        sql += " ORDER BY f.id DESC LIMIT ?"
        binds.append(limit)
        let query = sql, values = binds
        return try await database.withConnection { c in try c.query(query, values).map { try $0.get("id") } }
    }

    /// Marks a fax as fetched by an API client (idempotent); nil when it is not in `scope`.
    public func acknowledge(_ id: Int64, scope: AccountScope, by userID: Int64, now: Date = Date()) async throws -> InboundFax? {
        try await database.transaction { c -> Void in
            let changed = try c.execute(
                """
                UPDATE faxes f JOIN accounts a ON a.id = f.account_id SET f.acknowledged_at = ?, f.updated_at = ?
                WHERE f.id = ? AND f.direction = 'inbound' AND a.path LIKE ? AND f.acknowledged_at IS NULL AND f.state <> 'receiving'
                """, now, now, id, scope.pathPattern)
            if changed.affectedRows == 1 {
                try FaxScheduler.event(c, id, now, "acknowledged", target: "inbound API", status: "ok", detail: "acknowledged by user \(userID)")
            }
        }
        return try await fax(id, scope: scope)
    }
}
