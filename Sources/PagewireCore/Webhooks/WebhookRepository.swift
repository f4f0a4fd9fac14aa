import Foundation

/// A company's webhook endpoint (never its secret, which is shown once).
public struct WebhookEndpoint: Sendable, Equatable {
    public let id: Int64
    public let companyID: Int64
    public var url: String
    public var events: [WebhookEvent]
    public var active: Bool
    public var createdAt: Date

    init(row: SQLRow) throws(DatabaseError) {
        id = try row.get("id")
        companyID = try row.get("company_id")
        url = try row.get("url")
        events = try row.get("events", as: String.self).split(separator: ",").compactMap { WebhookEvent(rawValue: String($0)) }
        active = try row.get("active")
        createdAt = try row.get("created_at")
    }

    static let columns = "id, company_id, url, events, active, created_at"
}

/// One delivery of one event to one endpoint, as the delivery log shows it.
public struct WebhookDelivery: Sendable, Equatable {
    public let id: Int64
    public let endpointID: Int64
    public let faxID: Int64
    public var event: WebhookEvent
    public var status: String
    public var attempts: Int
    public var lastStatusCode: Int?
    public var lastError: String?
    public var createdAt: Date
    public var lastAttemptAt: Date?
    public var deliveredAt: Date?

    init(row: SQLRow) throws(DatabaseError) {
        id = try row.get("id")
        endpointID = try row.get("endpoint_id")
        faxID = try row.get("fax_id")
        event = WebhookEvent(rawValue: try row.get("event")) ?? .faxQueued
        status = try row.get("status")
        attempts = try row.get("attempts")
        lastStatusCode = try row.optional("last_status_code")
        lastError = try row.optional("last_error")
        createdAt = try row.get("created_at")
        lastAttemptAt = try row.optional("last_attempt_at")
        deliveredAt = try row.optional("delivered_at")
    }

    static let columns = "id, endpoint_id, fax_id, event, status, attempts, last_status_code, last_error, created_at, last_attempt_at, delivered_at"
}

/// What the sender needs for one delivery attempt.
public struct WebhookDispatch: Sendable, Equatable {
    public let deliveryID: Int64
    public let url: String
    public let secret: String
    public let event: WebhookEvent
    public let payload: String
}

/// Webhook endpoints and deliveries, always scoped to one company.
public struct WebhookRepository: Sendable {
    public let database: Database
    /// Seals signing secrets at rest (see `WebhookSecretSeal`).
    public let transit: TransitKeyring

    /// Attempts per delivery: with the queue's back-off (5 s doubling, capped at an hour) 32
    /// attempts span a little over a day.
    public static let deliveryAttempts = 32

    public init(database: Database, transit: TransitKeyring) {
        self.database = database
        self.transit = transit
    }

    /// Registers an endpoint; returns it with its signing secret (`whsec_…`), shown once.
    public func create(companyID: Int64, url: String, events: [WebhookEvent], userID: Int64?, now: Date = Date()) async throws -> (WebhookEndpoint, String) {
        let secret = "whsec_" + APITokenRepository.randomBase62(count: 32)
        let list = WebhookEvent.allCases.filter(events.contains).map(\.rawValue).joined(separator: ",")
        let transit = self.transit
        return try await database.transaction { c in
            let id = Int64(try c.execute(
                "INSERT INTO webhook_endpoints (company_id, url, events, created_by_user_id, created_at) VALUES (?, ?, ?, ?, ?)",
                companyID, url, list, userID, now).lastInsertID)
            // Sealed bound to the row's id, so it is written once the id exists (same transaction).
            let (keyID, sealed) = try WebhookSecretSeal.seal(secret, endpointID: id, transit: transit)
            try c.execute("UPDATE webhook_endpoints SET sealed_secret = ?, secret_key_id = ? WHERE id = ?", sealed, keyID, id)
            return (try WebhookEndpoint(row: try c.query("SELECT \(WebhookEndpoint.columns) FROM webhook_endpoints WHERE id = ?", id)[0]), secret)
        }
    }

    /// The company's endpoints.
    public func list(companyID: Int64) async throws -> [WebhookEndpoint] {
        try await database.query("SELECT \(WebhookEndpoint.columns) FROM webhook_endpoints WHERE company_id = ? ORDER BY id", companyID)
            .map { try WebhookEndpoint(row: $0) }
    }

    /// Deletes an endpoint of the company (and its delivery log); false when there is none.
    public func delete(_ id: Int64, companyID: Int64) async throws -> Bool {
        try await database.execute("DELETE FROM webhook_endpoints WHERE id = ? AND company_id = ?", id, companyID).affectedRows == 1
    }

    /// The newest deliveries of an endpoint of the company; nil when the endpoint is not the company's.
    public func deliveries(endpointID: Int64, companyID: Int64, limit: Int = 100) async throws -> [WebhookDelivery]? {
        try await database.withConnection { c in
            guard try !c.query("SELECT id FROM webhook_endpoints WHERE id = ? AND company_id = ?", endpointID, companyID).isEmpty else { return nil }
            return try c.query(
                "SELECT \(WebhookDelivery.columns) FROM webhook_deliveries WHERE endpoint_id = ? AND company_id = ? ORDER BY id DESC LIMIT ?",
                endpointID, companyID, limit
            ).map { try WebhookDelivery(row: $0) }
        }
    }

    /// Sends a delivery of the company again (same payload and id), with a fresh set of attempts.
    public func redeliver(_ deliveryID: Int64, companyID: Int64, now: Date = Date()) async throws -> WebhookDelivery? {
        try await database.transaction { c in
            guard try c.execute(
                "UPDATE webhook_deliveries SET status = 'pending', last_error = NULL WHERE id = ? AND company_id = ?", deliveryID, companyID
            ).affectedRows == 1 || !c.query("SELECT id FROM webhook_deliveries WHERE id = ? AND company_id = ?", deliveryID, companyID).isEmpty
            else { return nil }
            try WorkQueue.enqueue(
                on: c, kind: WebhookEvent.deliverKind, payload: "{\"delivery_id\":\(deliveryID)}", runAt: now,
                maxAttempts: Self.deliveryAttempts, dedupeKey: "\(WebhookEvent.deliverKind).\(deliveryID).\(UUID().uuidString)")
            return try WebhookDelivery(row: try c.query("SELECT \(WebhookDelivery.columns) FROM webhook_deliveries WHERE id = ?", deliveryID)[0])
        }
    }

    // MARK: - Used by pagewire-jobs

    /// Turns one fax event into one delivery per subscribed endpoint of the fax's company, each
    /// with its send work; a repeat adds nothing. Returns how many deliveries were created.
    @discardableResult
    public func fanOut(faxID: Int64, event: WebhookEvent, now: Date = Date()) async throws -> Int {
        try await database.transaction { c in
            guard let row = try c.query(
                """
                SELECT id, direction, state, result_code, remote_number, caller_id, pages, pages_sent, attempts, company_id,
                       created_at, completed_at FROM faxes WHERE id = ?
                """, faxID
            ).first else { return 0 }
            let companyID: Int64 = try row.get("company_id")
            let endpoints = try c.query(
                "SELECT id FROM webhook_endpoints WHERE company_id = ? AND active = 1 AND FIND_IN_SET(?, events) > 0", companyID, event.rawValue)
            guard !endpoints.isEmpty else { return 0 }
            let payload = try Self.payload(event: event, fax: row, now: now)
            var created = 0
            for endpoint in endpoints {
                let endpointID: Int64 = try endpoint.get("id")
                let inserted = try c.execute(
                    """
                    INSERT IGNORE INTO webhook_deliveries (endpoint_id, company_id, fax_id, event, payload_json, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, endpointID, companyID, faxID, event.rawValue, payload, now)
                guard inserted.affectedRows == 1 else { continue }
                let deliveryID = Int64(inserted.lastInsertID)
                try WorkQueue.enqueue(
                    on: c, kind: WebhookEvent.deliverKind, payload: "{\"delivery_id\":\(deliveryID)}", runAt: now,
                    maxAttempts: Self.deliveryAttempts, dedupeKey: "\(WebhookEvent.deliverKind).\(deliveryID)")
                created += 1
            }
            return created
        }
    }

    /// The delivery with its endpoint's URL and secret; nil when the endpoint was deleted or is inactive.
    public func dispatch(_ deliveryID: Int64) async throws -> WebhookDispatch? {
        guard let row = try await database.query(
            """
            SELECT d.id, d.event, d.payload_json, e.id AS endpoint_id, e.url, e.secret, e.sealed_secret, e.secret_key_id
            FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.active = 1 WHERE d.id = ?
            """, deliveryID
        ).first else { return nil }
        let secret: String
        if let sealed = try row.optional("sealed_secret", as: [UInt8].self), let keyID = try row.optional("secret_key_id", as: String.self) {
            secret = try WebhookSecretSeal.open(sealed, keyID: keyID, endpointID: try row.get("endpoint_id"), transit: transit)
        } else {
            // A row from before migration 0080 that `sealClearSecrets` has not reached yet.
            secret = try row.get("secret")
        }
        return WebhookDispatch(
            deliveryID: deliveryID, url: try row.get("url"), secret: secret,
            event: WebhookEvent(rawValue: try row.get("event")) ?? .faxQueued, payload: try row.get("payload_json"))
    }

    /// Seals every secret still stored in clear (rows from before migration 0080) and clears the
    /// clear copy; returns how many. `pagewire-jobs` runs it at start-up; running it twice is harmless.
    @discardableResult
    public func sealClearSecrets() async throws -> Int {
        let transit = self.transit
        return try await database.transaction { c in
            let rows = try c.query("SELECT id, secret FROM webhook_endpoints WHERE secret IS NOT NULL FOR UPDATE")
            for row in rows {
                let id: Int64 = try row.get("id")
                let (keyID, sealed) = try WebhookSecretSeal.seal(try row.get("secret"), endpointID: id, transit: transit)
                try c.execute("UPDATE webhook_endpoints SET sealed_secret = ?, secret_key_id = ?, secret = NULL WHERE id = ?", sealed, keyID, id)
            }
            return rows.count
        }
    }

    /// Records one attempt: delivered, or failed for now (`final` when no attempt follows).
    public func recordAttempt(_ deliveryID: Int64, statusCode: Int?, error: String?, delivered: Bool, final: Bool, now: Date = Date()) async throws {
        let status = delivered ? "delivered" : (final ? "failed" : "pending")
        try await database.execute(
            """
            UPDATE webhook_deliveries SET attempts = attempts + 1, status = ?, last_status_code = ?, last_error = ?,
                last_attempt_at = ?, delivered_at = IF(? = 'delivered', ?, delivered_at) WHERE id = ?
            """,
            status, statusCode, error.map { String($0.prefix(500)) }, now, status, now, deliveryID)
    }

    /// The JSON body of an event: the fax as it was when the event happened.
    static func payload(event: WebhookEvent, fax row: SQLRow, now: Date) throws -> String {
        let formatter = ISO8601DateFormatter()
        var fax: [String: Any] = [
            "id": try row.get("id", as: Int64.self), "direction": try row.get("direction", as: String.self),
            "status": try row.get("state", as: String.self), "remote_number": try row.get("remote_number", as: String.self),
            "pages_sent": try row.get("pages_sent", as: Int.self), "attempt_count": try row.get("attempts", as: Int.self),
            "created_at": formatter.string(from: try row.get("created_at", as: Date.self)),
        ]
        if let code: String = try row.optional("result_code") {
            fax["result_code"] = code
            fax["result_message"] = ResultCode(rawValue: code)?.explanation
        }
        if let v: String = try row.optional("caller_id") { fax["caller_id"] = v }
        if let v: Int = try row.optional("pages") { fax["pages"] = v }
        if let v: Date = try row.optional("completed_at") { fax["completed_at"] = formatter.string(from: v) }
        let body: [String: Any] = ["type": event.rawValue, "created_at": formatter.string(from: now), "data": ["fax": fax]]
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
