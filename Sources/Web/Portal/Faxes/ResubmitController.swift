import Hummingbird
import PagewireCore

/// `POST /inbox/resubmit`: the ticked received faxes are delivered again through the routes
/// configured now, with a result per fax as the Concord guide's Bulk Resubmit screen shows it.
struct ResubmitController: Sendable {
    let database: Database
    let renderer: PageRenderer

    struct Model: Sendable {
        struct Row: Sendable {
            let id: Int64
            let outcome: String
            let queued: Bool
        }
        let rows: [Row]
        let queued: Int
    }

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.post("/inbox/resubmit") { _, context in
            let session = try context.requireSession()
            var ids = context.form.all("id").compactMap { Int64($0) }
            guard !ids.isEmpty, ids.count <= 200 else { throw PortalError.badRequest("Tick the faxes to resubmit (at most 200 at a time).") }
            if session.ownFaxesOnly {
                // Plain users resubmit their own faxes only; others' ids read as not found.
                let sql = "SELECT id FROM faxes WHERE user_id = ? AND id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))"
                let binds = [session.user.id as any SQLEncodable] + ids.map { $0 as any SQLEncodable }
                let own = Set(try await database.withConnection { try $0.query(sql, binds).map { try $0.get("id", as: Int64.self) } })
                let others = ids.filter { !own.contains($0) }
                ids = ids.filter { own.contains($0) }
                let outcomes = try await InboundDeliveries(database: database).resubmit(ids, scope: session.scope)
                    + others.map { ResubmitOutcome(id: $0, outcome: "not_found", round: nil) }
                return try page(outcomes, context)
            }
            return try page(try await InboundDeliveries(database: database).resubmit(ids, scope: session.scope), context)
        }
    }

    private func page(_ outcomes: [ResubmitOutcome], _ context: PortalRequestContext) throws -> Response {
        let rows = outcomes.map { Model.Row(id: $0.id, outcome: Self.words($0.outcome), queued: $0.outcome == "queued") }
        return try renderer.render("portal/resubmit", title: "Resubmitted faxes", page: Model(rows: rows, queued: rows.filter(\.queued).count),
                                   context: context, current: "/inbox")
    }

    static func words(_ outcome: String) -> String {
        switch outcome {
        case "queued": "Queued: it is delivered again through the routes set now."
        case "not_received": "Not resubmitted: nothing was received on this call."
        case "in_progress": "Not resubmitted: a delivery of this fax is running now."
        case "document_expired": "Not resubmitted: the document is past its retention and was purged."
        default: "Not found."
        }
    }
}
