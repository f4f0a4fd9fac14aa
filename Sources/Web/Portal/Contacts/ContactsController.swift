import Hummingbird
import PagewireCore

/// `/contacts`: list and search, add one, import a CSV (bad rows reported by line), one contact.
struct ContactsController: Sendable {
    let database: Database
    let renderer: PageRenderer

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get("/contacts") { request, context in
            let session = try context.requireSession()
            let search = request.uri.queryParameters["q"].map(String.init) ?? ""
            let notice = request.uri.queryParameters["added"] != nil ? "Contact added." : nil
            return try await page(session, context, search: search, notice: notice)
        }
        router.get("/contacts/:id") { _, context in
            let session = try context.requireSession()
            guard let id = context.parameters.get("id").flatMap({ Int64($0) }),
                  let model = try await ContactModel.query(id: id, session: session, database: database) else { throw PortalError.notFound }
            return try renderer.render("portal/contact", title: model.name, page: model, context: context, current: "/contacts")
        }
        router.post("/contacts") { _, context in
            let session = try context.requireSession()
            let f = context.form
            do {
                try await ContactRepository(database: database).create(
                    accountID: session.account.id, firstName: f["first_name"] ?? "", lastName: f["last_name"] ?? "",
                    fax: f["fax"] ?? "", email: f["email"], company: f["company"], scope: session.scope)
            } catch let error as ContactRepository.ContactError {
                return try await page(session, context, search: "", error: error.description, status: .badRequest)
            }
            return PageRenderer.redirect("/contacts?added=1")
        }
        router.post("/contacts/import") { _, context in
            let session = try context.requireSession()
            guard let file = context.form.file("file") else {
                return try await page(session, context, search: "", error: "Choose a CSV file to import.", status: .badRequest)
            }
            let report = try await ContactRepository(database: database).importCSV(
                String(decoding: file.bytes, as: UTF8.self), accountID: session.account.id, scope: session.scope)
            return try await page(session, context, search: "", report: report)
        }
    }

    private func page(_ session: PortalSession, _ context: PortalRequestContext, search: String, notice: String? = nil, error: String? = nil,
                      report: ContactRepository.ImportReport? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let model = try await ContactsModel.query(session: session, database: database, search: search, notice: notice, error: error, report: report)
        return try renderer.render("portal/contacts", title: "Contacts", page: model, context: context, current: "/contacts", status: status)
    }
}
