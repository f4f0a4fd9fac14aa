import Hummingbird
import PagewireCore

/// `/groups`: contact groups. Create, rename, delete, add and remove members; a group is a
/// recipient on `/send`. Another tenant's group or contact id is 404.
struct GroupsController: Sendable {
    let database: Database
    let renderer: PageRenderer

    var contacts: ContactRepository { ContactRepository(database: database) }

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get("/groups") { request, context in
            let session = try context.requireSession()
            let notice = request.uri.queryParameters["done"] == "deleted" ? "Group deleted." : nil
            return try await page(session, context, notice: notice)
        }
        router.post("/groups") { _, context in
            let session = try context.requireSession()
            let name = context.form["name"] ?? ""
            let id: Int64
            do {
                id = try await contacts.createGroup(accountID: session.account.id, name: name, contactIDs: [], scope: session.scope)
            } catch let error as ContactRepository.ContactError {
                return try await page(session, context, name: name, error: error.description, status: .badRequest)
            }
            return PageRenderer.redirect("/groups/\(id)?done=created")
        }
        router.get("/groups/:id") { request, context in
            let session = try context.requireSession()
            let notice: String? = switch request.uri.queryParameters["done"].map(String.init) {
            case "created": "Group created. Add its members below."
            case "renamed": "Group renamed."
            case "added": "Members added."
            case "removed": "Member removed."
            default: nil
            }
            return try await detail(session, context, id: try Self.id(context), notice: notice)
        }
        router.post("/groups/:id") { _, context in
            let session = try context.requireSession()
            let id = try Self.id(context)
            do {
                try await contacts.renameGroup(id, to: context.form["name"] ?? "", scope: session.scope)
            } catch AccountError.notFound {
                throw PortalError.notFound
            } catch let error as ContactRepository.ContactError {
                return try await detail(session, context, id: id, error: error.description, status: .badRequest)
            }
            return PageRenderer.redirect("/groups/\(id)?done=renamed")
        }
        router.post("/groups/:id/delete") { _, context in
            let session = try context.requireSession()
            do { try await contacts.deleteGroup(try Self.id(context), scope: session.scope) } catch AccountError.notFound { throw PortalError.notFound }
            return PageRenderer.redirect("/groups?done=deleted")
        }
        router.post("/groups/:id/members") { _, context in
            let session = try context.requireSession()
            let id = try Self.id(context)
            let picked = context.form.all("contact")
            let contactIDs = picked.compactMap { Int64($0) }
            guard contactIDs.count == picked.count else { throw PortalError.notFound }
            guard !contactIDs.isEmpty else {
                return try await detail(session, context, id: id, error: "Tick at least one contact to add.", status: .badRequest)
            }
            do { try await contacts.addMembers(contactIDs, toGroup: id, scope: session.scope) } catch AccountError.notFound { throw PortalError.notFound }
            return PageRenderer.redirect("/groups/\(id)?done=added")
        }
        router.post("/groups/:id/members/:contact/remove") { _, context in
            let session = try context.requireSession()
            let id = try Self.id(context)
            guard let contactID = context.parameters.get("contact").flatMap({ Int64($0) }) else { throw PortalError.notFound }
            do { try await contacts.removeMember(contactID, fromGroup: id, scope: session.scope) } catch AccountError.notFound { throw PortalError.notFound }
            return PageRenderer.redirect("/groups/\(id)?done=removed")
        }
    }

    static func id(_ context: PortalRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }), id > 0 else { throw PortalError.notFound }
        return id
    }

    private func page(_ session: PortalSession, _ context: PortalRequestContext, name: String = "", notice: String? = nil, error: String? = nil,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let model = try await GroupsModel.query(session: session, database: database, name: name, notice: notice, error: error)
        return try renderer.render("portal/groups", title: "Groups", page: model, context: context, current: "/groups", status: status)
    }

    private func detail(_ session: PortalSession, _ context: PortalRequestContext, id: Int64, notice: String? = nil, error: String? = nil,
                        status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let model = try await GroupModel.query(id: id, session: session, database: database, notice: notice, error: error) else {
            throw PortalError.notFound
        }
        return try renderer.render("portal/group", title: model.name, page: model, context: context, current: "/groups", status: status)
    }
}
