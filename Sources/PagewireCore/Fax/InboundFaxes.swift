import Foundation

/// The inbound side of the fax lifecycle (DESIGN.md §4): a call on a number becomes a fax in
/// `receiving`; when the call ends the received pages are in the vault and the fax is `received`
/// (flagged `partial` when reception ended early) with its delivery queued, or `failed` with its
/// result code when no page arrived. Telephony performs the call and reports; this owns the rows.
public struct InboundFaxes: Sendable {
    public let database: Database

    /// Work kind that delivers a received fax along the routes its owner's settings name.
    public static let deliverKind = "fax.deliver_inbound"

    public init(database: Database) { self.database = database }

    /// Records the start of a reception accepted for `route`; returns the new fax's id.
    public func begin(companyID: Int64, accountID: Int64, userID: Int64?, queueName: String?, callerNumber: String, calledNumber: String,
                      worker: String, now: Date = Date()) async throws -> Int64 {
        try await database.transaction { c in
            let id = Int64(try c.execute(
                """
                INSERT INTO faxes (direction, account_id, company_id, user_id, queue_name, state, remote_number, local_number, attempts,
                    max_attempts, retry_interval_seconds, created_at, updated_at)
                VALUES ('inbound', ?, ?, ?, ?, 'receiving', ?, ?, 1, 1, 0, ?, ?)
                """,
                accountID, companyID, userID, queueName, String(callerNumber.prefix(20)), calledNumber, now, now).lastInsertID)
            try c.execute("INSERT INTO fax_attempts (fax_id, n, started_at, worker) VALUES (?, 1, ?, ?)", id, now, worker)
            try FaxScheduler.event(c, id, now, "receiving", status: "receiving", detail: "call from \(callerNumber.isEmpty ? "an unknown number" : callerNumber)")
            return id
        }
    }

    /// Records how the reception ended. With pages (`document` holds the received TIFF), the fax is
    /// `received`, partial when the call ended before the sender said it was done, and its
    /// delivery is queued in the same transaction; without pages it is `failed` with the result.
    @discardableResult
    public func finish(faxID: Int64, report: AttemptReport, pages: Int, partial: Bool, document: StoredDocument?, now: Date = Date()) async throws -> FaxState {
        try await database.transaction { c in
            guard let row = try c.query("SELECT state FROM faxes WHERE id = ? AND direction = 'inbound' FOR UPDATE", faxID).first,
                  let state = FaxState(rawValue: try row.get("state")) else { throw AccountError.notFound }
            guard state == .receiving else { return state }
            try c.execute(
                """
                UPDATE fax_attempts SET ended_at = ?, result_code = ?, sip_status = ?, t30_code = ?, pages_sent = ?, bit_rate = ?,
                    ecm = ?, remote_csid = ?, trunk = ?, detail = ? WHERE fax_id = ? AND n = 1
                """,
                now, report.result.rawValue, report.sipStatus, report.t30Code, pages, report.bitRate, report.ecm,
                report.remoteCSID, report.trunk, report.detail, faxID)
            guard pages > 0, let document else {
                try c.execute(
                    "UPDATE faxes SET state = 'failed', result_code = ?, pages = 0, completed_at = ?, updated_at = ? WHERE id = ?",
                    report.result.rawValue, now, now, faxID)
                try FaxScheduler.event(c, faxID, now, "received", status: "failed", detail: "no page received: \(report.result.title)")
                try FaxNotice.record(on: c, faxID: faxID, notice: .final, now: now)
                return .failed
            }
            try c.execute("INSERT INTO fax_documents (fax_id, n, document_id, role) VALUES (?, 1, ?, 'received')", faxID, document.id)
            try c.execute(
                "UPDATE faxes SET state = 'received', result_code = ?, pages = ?, pages_sent = ?, partial = ?, updated_at = ? WHERE id = ?",
                report.result.rawValue, pages, pages, partial, now, faxID)
            try FaxScheduler.event(
                c, faxID, now, "received", status: partial ? "partial" : "ok",
                detail: partial ? "\(pages) page(s) received; the call ended early, pages may be missing" : "\(pages) page(s) received")
            try WorkQueue.enqueue(on: c, kind: Self.deliverKind, payload: "{\"fax_id\":\(faxID)}", runAt: now, dedupeKey: "\(Self.deliverKind).\(faxID)")
            try WebhookEvent.record(on: c, faxID: faxID, state: .received, now: now)
            return .received
        }
    }

    /// Closes receptions left in `receiving` by a telephony process that died mid-call (started
    /// before `startedBefore`): they end `failed` as `general_error`, so none stays open forever.
    /// Returns how many were closed.
    @discardableResult
    public func closeAbandoned(startedBefore cutoff: Date, now: Date = Date()) async throws -> Int {
        let ids: [Int64] = try await database.query(
            "SELECT id FROM faxes WHERE direction = 'inbound' AND state = 'receiving' AND created_at < ?", cutoff
        ).map { try $0.get("id") }
        for id in ids {
            try await finish(faxID: id, report: AttemptReport(result: .generalError, detail: "the receiving process stopped during the call"),
                             pages: 0, partial: false, document: nil, now: now)
        }
        return ids.count
    }
}
