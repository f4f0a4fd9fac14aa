import Foundation

/// What rendering needs to know about one outbound fax.
public struct RenderJob: Sendable, Equatable {
    public var faxID: Int64
    public var companyID: Int64
    public var accountID: Int64
    public var quality: FaxQuality
    public var remoteNumber: String
    public var callerID: String?
    /// The sender's display name (or username) and company name, for the cover page.
    public var senderName: String
    public var senderEmail: String
    public var companyName: String
    /// Originals in page order: document id and media type.
    public var originals: [(documentID: Int64, contentType: String)]
    /// The vault document with the cover page's words (`CoverPageRequest` JSON), if one was asked for.
    public var coverDocumentID: Int64?

    public static func == (a: RenderJob, b: RenderJob) -> Bool {
        a.faxID == b.faxID && a.originals.map(\.documentID) == b.originals.map(\.documentID) && a.coverDocumentID == b.coverDocumentID
    }
}

extension FaxScheduler {
    /// Moves a submitted fax to `rendering` and returns what to render; nil when there is nothing
    /// to render (the fax is final, cancelled, or already past rendering), so a repeated work item
    /// does no harm.
    public func beginRendering(faxID: Int64, now: Date = Date()) async throws -> RenderJob? {
        try await database.transaction { c -> RenderJob? in
            guard let row = try c.query(
                """
                SELECT f.state, f.company_id, f.account_id, f.quality, f.remote_number, f.caller_id, f.cancel_requested,
                       u.display_name, u.username, u.email, co.name AS company_name
                FROM faxes f LEFT JOIN users u ON u.id = f.user_id JOIN accounts co ON co.id = f.company_id
                WHERE f.id = ? FOR UPDATE
                """, faxID
            ).first, let state = FaxState(rawValue: try row.get("state")) else { return nil }
            guard state == .submitted || state == .rendering else { return nil }
            if state == .submitted {
                try c.execute("UPDATE faxes SET state = 'rendering', updated_at = ? WHERE id = ?", now, faxID)
            }
            let originals = try c.query(
                """
                SELECT fd.document_id, d.content_type FROM fax_documents fd JOIN documents d ON d.id = fd.document_id
                WHERE fd.fax_id = ? AND fd.role = 'original' ORDER BY fd.n
                """, faxID
            ).map { (documentID: try $0.get("document_id", as: Int64.self), contentType: try $0.get("content_type", as: String.self)) }
            let coverDocument: Int64? = try c.query(
                "SELECT document_id FROM fax_documents WHERE fax_id = ? AND role = 'cover' ORDER BY n LIMIT 1", faxID
            ).first.map { try $0.get("document_id") }
            let display: String = try row.optional("display_name") ?? ""
            return RenderJob(
                faxID: faxID, companyID: try row.get("company_id"), accountID: try row.get("account_id"),
                quality: FaxQuality(rawValue: try row.get("quality")) ?? .fine, remoteNumber: try row.get("remote_number"),
                callerID: try row.optional("caller_id"),
                senderName: display.isEmpty ? (try row.optional("username") ?? "") : display,
                senderEmail: try row.optional("email") ?? "", companyName: try row.get("company_name"),
                originals: originals, coverDocumentID: coverDocument)
        }
    }

    /// Records the rendered fax TIFF (a vault document), then queues the fax; a crash in between
    /// leaves the fax in `rendering`, and the repeated work item renders it again.
    public func renderingFinished(faxID: Int64, renderedDocumentID: Int64, pages: Int, now: Date = Date()) async throws {
        try await database.transaction { c in
            try c.execute("DELETE FROM fax_documents WHERE fax_id = ? AND role = 'rendered'", faxID)
            try c.execute("INSERT INTO fax_documents (fax_id, n, document_id, role) VALUES (?, 0, ?, 'rendered')", faxID, renderedDocumentID)
        }
        try await renderingFinished(faxID: faxID, pages: pages, now: now)
    }
}
