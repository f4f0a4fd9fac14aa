import Foundation
import PagewireCore

extension FaxDetailModel {
    /// The fax `id` as the session may see it; nil for unknown ids and other tenants' ids alike.
    static func query(id: Int64, session: PortalSession, database: Database, format: DisplayFormat, notice: String? = nil) async throws -> FaxDetailModel? {
        let viewer = FaxHistory.Viewer(scope: session.scope, onlyUser: session.ownFaxesOnly ? session.user.id : nil)
        guard let detail = try await FaxHistory(database: database).detail(id, viewer: viewer) else { return nil }
        let fax = detail.summary
        let outbound = fax.direction == "outbound"
        var facts = [
            Fact(label: "Status", value: fax.stateText, live: "state"),
            Fact(label: "Result", value: fax.resultLongText, live: "resultLong"),
            Fact(label: outbound ? "To" : "From", value: fax.remoteNumber),
            Fact(label: "Pages", value: fax.pagesLongText, live: "pagesLong"),
            Fact(label: "Created", value: format.dateTime(fax.createdAt)),
        ]
        if outbound {
            facts.append(Fact(label: "Attempts", value: fax.attemptsLongText(maxAttempts: detail.maxAttempts), live: "attemptsLong"))
            facts.append(Fact(label: "Quality", value: detail.quality))
            if let next = detail.nextAttemptAt, !fax.state.isFinal { facts.append(Fact(label: "Next attempt", value: format.dateTime(next))) }
        }
        if let callerID = fax.callerID { facts.append(Fact(label: "Caller ID", value: callerID)) }
        if let completed = fax.completedAt { facts.append(Fact(label: "Completed", value: format.dateTime(completed))) }
        let attempts = detail.attempts.map { a in
            Attempt(n: a.n, started: format.dateTime(a.startedAt), ended: format.dateTime(a.endedAt), result: a.resultCode?.title ?? "in progress",
                    sipStatus: a.sipStatus.map(String.init) ?? "–", t30Code: a.t30Code.map(String.init) ?? "–", pagesSent: a.pagesSent,
                    bitRate: a.bitRate.map { "\($0) bit/s" } ?? "–", ecm: a.ecm.map { $0 ? "yes" : "no" } ?? "–",
                    remoteCSID: a.remoteCSID ?? "", detail: a.detail ?? "")
        }
        let events = detail.events.map { e in
            Event(at: format.dateTime(e.at), type: e.type.replacingOccurrences(of: "_", with: " "), target: e.target ?? "", status: e.status, detail: e.detail ?? "")
        }
        var model = FaxDetailModel(
            id: fax.id, heading: "\(outbound ? "Sent" : "Received") fax #\(fax.id)", facts: facts,
            attempts: attempts, hasAttempts: !attempts.isEmpty, events: events, hasEvents: !events.isEmpty,
            cancellable: outbound && !fax.state.isFinal, resendable: outbound && fax.state.isFinal, remoteNumber: fax.remoteNumber,
            backURL: outbound ? "/outbox" : "/inbox", notice: notice, live: !fax.state.isFinal)
        // Pages are for users of the fax's company (FaxDocumentsController checks again).
        if let row = try await database.query(
            """
            SELECT f.company_id, d.state FROM faxes f JOIN fax_documents fd ON fd.fax_id = f.id AND fd.role IN ('rendered', 'received')
            JOIN documents d ON d.id = fd.document_id WHERE f.id = ? ORDER BY fd.role = 'rendered' DESC LIMIT 1
            """, fax.id).first, try row.get("company_id", as: Int64.self) == session.companyID {
            if try row.get("state", as: String.self) == "expired" {
                model.pagesNote = "The pages of this fax were deleted under your company's retention policy."
            } else if let pages = fax.pages, pages > 0 {
                model.pageNumbers = Array(1...pages)
                model.hasPages = true
            }
        }
        return model
    }
}
