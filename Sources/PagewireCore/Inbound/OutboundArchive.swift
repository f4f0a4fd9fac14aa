import Foundation

/// The company archive's copy of sent faxes (`Settings.archive` with `outbound`): queued when an
/// outbound fax ends (delivered, partially delivered or failed), run by `pagewire-jobs`, one
/// `archived` or `failed` event per target.
public enum OutboundArchive {
    /// Work kind (`{"fax_id": N}`).
    public static let kind = "fax.archive_outbound"

    /// Queues the archive copy inside the transaction that ended the fax; idempotent. The handler
    /// finds out whether the owner's company archives sent faxes at all.
    public static func record(on connection: DatabaseConnection, faxID: Int64, now: Date) throws {
        try WorkQueue.enqueue(on: connection, kind: kind, payload: "{\"fax_id\":\(faxID)}", runAt: now, dedupeKey: "\(kind).\(faxID)")
    }
}

extension InboundDeliveries {
    /// A sent fax in the shape delivery uses: the rendered pages as its document, the destination
    /// as `calledNumber`; nil when it is not outbound or has no rendered pages.
    public func outboundFax(_ id: Int64) async throws -> InboundFax? {
        guard let row = try await database.query(
            """
            SELECT f.id, f.company_id, f.account_id, a.path, f.user_id, f.state, f.pages_sent, f.remote_number, f.caller_id, f.created_at,
                   f.result_code, f.delivery_round, f.acknowledged_at,
                   (SELECT t.remote_csid FROM fax_attempts t WHERE t.fax_id = f.id ORDER BY t.n DESC LIMIT 1) AS remote_csid,
                   (SELECT d.document_id FROM fax_documents d WHERE d.fax_id = f.id AND d.role = 'rendered' ORDER BY d.n LIMIT 1) AS rendered
            FROM faxes f JOIN accounts a ON a.id = f.account_id WHERE f.id = ? AND f.direction = 'outbound'
            """, id
        ).first, let rendered: Int64 = try row.optional("rendered") else { return nil }
        var fax = InboundFax(
            id: try row.get("id"), companyID: try row.get("company_id"), accountID: try row.get("account_id"), accountPath: try row.get("path"),
            userID: try row.optional("user_id"), queueName: nil, state: FaxState(rawValue: try row.get("state")) ?? .failed, partial: false,
            pages: try row.get("pages_sent"), calledNumber: try row.get("remote_number"), callerNumber: try row.optional("caller_id") ?? "",
            receivedAt: try row.get("created_at"), resultCode: try row.optional("result_code", as: String.self).flatMap(ResultCode.init(rawValue:)),
            remoteCSID: try row.optional("remote_csid"), deliveryRound: 0, acknowledgedAt: nil, receivedDocumentID: rendered,
            deliveryTIFFID: nil, deliveryPDFID: nil)
        fax.direction = "outbound"
        return fax
    }

    /// Targets this fax was already archived to (a retried item skips them).
    public func archivedTargets(faxID: Int64) async throws -> Set<String> {
        Set(try await database.query(
            "SELECT target FROM fax_events WHERE fax_id = ? AND type = 'archived' AND status = 'delivered' AND target IS NOT NULL", faxID
        ).map { try $0.get("target") })
    }

    /// Records one archive try of a sent fax: `archived`, or `failed` (`retrying` unless `final`).
    public func recordArchive(faxID: Int64, target: String, delivered: Bool, final: Bool, detail: String, now: Date = Date()) async throws {
        try await database.withConnection { c in
            try FaxScheduler.event(c, faxID, now, delivered ? "archived" : "failed", target: target,
                                   status: delivered ? "delivered" : (final ? "failed" : "retrying"), detail: detail)
        }
    }
}
