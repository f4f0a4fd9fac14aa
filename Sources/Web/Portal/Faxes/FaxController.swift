import Foundation
import Hummingbird
import PagewireCore

/// `/outbox`, `/inbox`, `/faxes/:id`, cancel (single and bulk) and resend.
struct FaxController: Sendable {
    let database: Database
    let renderer: PageRenderer

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get("/outbox") { request, context in try await list(outbound: true, request, context) }
        router.get("/inbox") { request, context in try await list(outbound: false, request, context) }
        router.get("/faxes/:id") { request, context in try await show(request, context) }
        router.post("/faxes/:id/cancel") { request, context in try await cancel(request, context) }
        router.post("/faxes/:id/resend") { request, context in try await resend(request, context) }
        router.post("/outbox/cancel") { request, context in try await bulkCancel(request, context) }
    }

    private func format(_ session: PortalSession) async throws -> DisplayFormat {
        try await DisplayFormat.forUser(session, settings: SettingsRepository(database: database))
    }

    private func viewer(_ session: PortalSession) -> FaxHistory.Viewer {
        FaxHistory.Viewer(scope: session.scope, onlyUser: session.ownFaxesOnly ? session.user.id : nil)
    }

    private func list(outbound: Bool, _ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let session = try context.requireSession()
        var query: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { query[String(k)] = String(v) }
        let notice = query["cancelled"].map { "\($0) fax(es) cancelled." }
        let model = try await FaxListModel.query(
            outbound: outbound, parameters: .init(query: query), session: session, database: database, notice: notice)
        return try renderer.render("portal/faxes", title: model.heading, page: model, context: context, current: model.path)
    }

    private func faxID(_ context: PortalRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else { throw PortalError.notFound }
        return id
    }

    private func show(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let notice = request.uri.queryParameters["done"].map { $0 == "cancel" ? "Cancellation requested." : "Sent again as a new fax." }
        guard let model = try await FaxDetailModel.query(id: try faxID(context), session: session, database: database, format: try await format(session), notice: notice) else {
            throw PortalError.notFound
        }
        return try renderer.render("portal/fax", title: model.heading, page: model, context: context)
    }

    /// Cancels a fax the session may see; anything else is "not found".
    private func cancelOne(_ id: Int64, _ session: PortalSession) async throws -> Bool {
        guard let detail = try await FaxHistory(database: database).detail(id, viewer: viewer(session)),
              detail.summary.direction == "outbound" else { throw PortalError.notFound }
        guard !detail.summary.state.isFinal else { return false }
        _ = try await FaxScheduler(database: database).cancel(faxID: id, scope: session.scope)
        return true
    }

    private func cancel(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let id = try faxID(context)
        _ = try await cancelOne(id, session)
        return PageRenderer.redirect("/faxes/\(id)?done=cancel")
    }

    private func bulkCancel(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let ids = context.form.all("id").compactMap { Int64($0) }
        guard !ids.isEmpty, ids.count <= 200 else { throw PortalError.badRequest("Tick the faxes to cancel (at most 200 at a time).") }
        var cancelled = 0
        for id in ids where try await cancelOne(id, session) { cancelled += 1 }
        return PageRenderer.redirect("/outbox?cancelled=\(cancelled)")
    }

    /// Sends the same documents again, to the same number or to the one typed in.
    private func resend(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let id = try faxID(context)
        guard let detail = try await FaxHistory(database: database).detail(id, viewer: viewer(session)),
              detail.summary.direction == "outbound" else { throw PortalError.notFound }
        let documents = try await FaxHistory(database: database).originalDocumentIDs(faxID: id)
        let typed = (context.form["number"] ?? "").trimmingCharacters(in: .whitespaces)
        let number = typed.isEmpty ? detail.summary.remoteNumber : typed
        do {
            let ids = try await FaxScheduler(database: database).submit(
                OutboundSubmission(
                    recipients: [number], callerID: detail.summary.callerID, quality: FaxQuality(rawValue: detail.quality) ?? .fine,
                    documentIDs: documents, coverPage: documents.isEmpty),
                userID: session.user.id, scope: session.scope)
            return PageRenderer.redirect("/faxes/\(ids.first ?? id)?done=resend")
        } catch let error as SubmissionError {
            throw PortalError.badRequest(error.description)
        }
    }
}
