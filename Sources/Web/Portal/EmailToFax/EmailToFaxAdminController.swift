import Hummingbird
import PagewireCore

/// `/admin/email-to-fax`: administrators manage their companies' fax domains and their users'
/// registered sending addresses (rights checked by `MailAdministration`: another tenant's ids
/// are "not found", a missing right is 403; every form carries the session's CSRF token).
struct EmailToFaxAdminController: Sendable {
    let database: Database
    let renderer: PageRenderer

    static let path = "/admin/email-to-fax"

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get(RouterPath(Self.path)) { request, context in
            let session = try context.requireSession()
            let q = request.uri.queryParameters
            let notice: String? = switch q["done"].map(String.init) {
            case "domain-added": "Fax domain added."
            case "domain-removed": "Fax domain removed."
            default: nil
            }
            return try await overview(session, context, notice: notice, error: nil)
        }
        router.post(RouterPath(Self.path + "/domains")) { _, context in
            let session = try context.requireSession()
            let company = Int64(context.form["company"] ?? "") ?? 0
            do {
                try await MailAdministration(database: database).addDomain(context.form["domain"] ?? "", companyID: company, by: Self.actor(session, context))
            } catch let refusal as MailAdministration.Refusal {
                return try await refused(refusal) { try await overview(session, context, notice: nil, error: $0, status: .badRequest) }
            }
            return PageRenderer.redirect(Self.path + "?done=domain-added")
        }
        router.post(RouterPath(Self.path + "/domains/remove")) { _, context in
            let session = try context.requireSession()
            do {
                try await MailAdministration(database: database).removeDomain(context.form["domain"] ?? "", by: Self.actor(session, context))
            } catch let refusal as MailAdministration.Refusal {
                return try await refused(refusal) { try await overview(session, context, notice: nil, error: $0, status: .badRequest) }
            }
            return PageRenderer.redirect(Self.path + "?done=domain-removed")
        }
        router.get(RouterPath(Self.path + "/users/:id")) { request, context in
            let session = try context.requireSession()
            let id = try Self.userID(context)
            let notice: String? = switch request.uri.queryParameters["done"].map(String.init) {
            case "added": "Address registered."
            case "removed": "Address removed."
            default: nil
            }
            return try await addresses(id, session, context, notice: notice, error: nil)
        }
        router.post(RouterPath(Self.path + "/users/:id/addresses")) { _, context in
            let session = try context.requireSession()
            let id = try Self.userID(context)
            do {
                try await MailAdministration(database: database).addAddress(context.form["address"] ?? "", userID: id, by: Self.actor(session, context))
            } catch let refusal as MailAdministration.Refusal {
                return try await refused(refusal) { try await addresses(id, session, context, notice: nil, error: $0, status: .badRequest) }
            }
            return PageRenderer.redirect(Self.path + "/users/\(id)?done=added")
        }
        router.post(RouterPath(Self.path + "/users/:id/addresses/remove")) { _, context in
            let session = try context.requireSession()
            let id = try Self.userID(context)
            do {
                try await MailAdministration(database: database).removeAddress(context.form["address"] ?? "", userID: id, by: Self.actor(session, context))
            } catch let refusal as MailAdministration.Refusal {
                return try await refused(refusal) { try await addresses(id, session, context, notice: nil, error: $0, status: .badRequest) }
            }
            return PageRenderer.redirect(Self.path + "/users/\(id)?done=removed")
        }
    }

    private func overview(_ session: PortalSession, _ context: PortalRequestContext, notice: String?, error: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        // Someone who administers nothing here sees "not found", as for any page that is not theirs.
        let administration = MailAdministration(database: database)
        let seesDomains = try await administration.canView(.settings, adminID: session.user.id)
        let seesSenders = try await administration.canView(.manageUsers, adminID: session.user.id)
        guard seesDomains || seesSenders else { throw PortalError.notFound }
        let model = try await EmailToFaxAdminModel.query(adminID: session.user.id, database: database, notice: notice, error: error)
        return try renderer.render("email-to-fax/overview", title: "E-mail to fax", page: model, context: context, current: Self.path, status: status)
    }

    private func addresses(_ id: Int64, _ session: PortalSession, _ context: PortalRequestContext, notice: String?, error: String?,
                           status: HTTPResponse.Status = .ok) async throws -> Response {
        let model: SendingAddressesAdminModel
        do {
            model = try await SendingAddressesAdminModel.query(userID: id, adminID: session.user.id, database: database, notice: notice, error: error)
        } catch let refusal as MailAdministration.Refusal {
            throw Self.portalError(refusal)
        }
        return try renderer.render("email-to-fax/addresses", title: model.heading, page: model, context: context, current: Self.path, status: status)
    }

    /// A refusal the user can act on is shown on the page; "not found" and "forbidden" are the branded error pages.
    private func refused(_ refusal: MailAdministration.Refusal, page: (String) async throws -> Response) async throws -> Response {
        switch refusal {
        case .invalid(let reason), .taken(let reason): return try await page(reason)
        case .notFound, .forbidden: throw Self.portalError(refusal)
        }
    }

    /// Not found is the branded 404 (same as another tenant's id); a missing right is the branded 403.
    static func portalError(_ refusal: MailAdministration.Refusal) -> any Error {
        switch refusal {
        case .notFound: PortalError.notFound
        case .forbidden: HTTPError(.forbidden, message: refusal.description)
        case .invalid(let reason), .taken(let reason): PortalError.badRequest(reason)
        }
    }

    static func actor(_ session: PortalSession, _ context: PortalRequestContext) -> AuditActor {
        .user(session.user.id, label: session.user.username, ip: context.remoteAddress)
    }

    static func userID(_ context: PortalRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }), id > 0 else { throw PortalError.notFound }
        return id
    }
}
