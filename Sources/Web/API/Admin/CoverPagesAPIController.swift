import Foundation
import Hummingbird
import PagewireCore

/// `/v1/accounts/{id}/coverpages`: the cover page templates a node owns and those open to it
/// (built-in, and uploaded by a level above), the node's default and restriction; upload
/// (`.coverpage` text, validated), rename, replace, make default, delete. `GET /v1/coverpages`
/// lists what the calling user may put on a fax (only the assigned one when restricted).
struct CoverPagesAPIController: Sendable {
    let database: Database

    func addRoutes(to routes: AdminAPIRoutes) {
        routes.on(.get, "accounts/:account/coverpages") { request, _, target in
            try await list(target, onlyMine: request.uri.queryParameters["only"] == "mine")
        }
        routes.on(.post, "accounts/:account/coverpages") { request, context, target in
            let body: Body = try await APIBody.decode(request, context, limit: 200 * 1024)
            guard let name = body.name else { throw Problem.invalid("name is required", field: "name") }
            guard let bytes = try body.bytes() else { throw Problem.invalid("give the template as source (text) or content_base64", field: "source") }
            let created: CoverPage
            do {
                created = try await CoverPageRepository(database: database).create(accountID: target.account.id, name: name, bytes: bytes, scope: target.scope)
            } catch let error as CoverPageError {
                throw Self.problem(error)
            }
            if body.default == true { try await makeDefault(created.key, target, context) }
            return try await one(created, target, status: .created)
        }
        routes.on(.patch, "accounts/:account/coverpages/:coverpage") { request, context, target in
            let id = try Self.id(context)
            let body: Body = try await APIBody.decode(request, context, limit: 200 * 1024)
            let repository = CoverPageRepository(database: database)
            let updated: CoverPage
            do {
                if body.name != nil || body.source != nil || body.contentBase64 != nil {
                    updated = try await repository.update(id, ownedBy: target.account.id, name: body.name, bytes: try body.bytes(), scope: target.scope)
                } else {
                    guard let found = try await repository.get(id, ownedBy: target.account.id, scope: target.scope) else { throw CoverPageError.notFound }
                    updated = found
                }
            } catch let error as CoverPageError {
                throw Self.problem(error)
            }
            if body.default == true { try await makeDefault(updated.key, target, context) }
            return try await one(updated, target)
        }
        routes.on(.delete, "accounts/:account/coverpages/:coverpage") { _, context, target in
            do {
                try await CoverPageRepository(database: database).delete(try Self.id(context), ownedBy: target.account.id, scope: target.scope)
            } catch let error as CoverPageError {
                throw Self.problem(error)
            }
            return Response(status: .noContent)
        }
    }

    /// `GET /v1/coverpages`: for any signed-in user, not an admin route.
    func addUserRoutes(to api: RouterGroup<APIRequestContext>) {
        api.get("coverpages") { _, context -> Response in
            let principal = try context.requirePrincipal()
            let offer = try await CoverPageCatalog(database: database).offer(forUser: principal.userID)
            return try APIJSON.response(Offer(
                assigned: Choice(key: offer.assigned.key, name: offer.assigned.name), restricted: offer.restricted,
                templates: offer.choices.map { Choice(key: $0.key, name: $0.name) }))
        }
    }

    struct Body: Decodable {
        var name: String?
        /// The template text.
        var source: String?
        /// The template file, base64 (checked as uploaded bytes).
        var contentBase64: String?
        /// Make it the node's default template.
        var `default`: Bool?

        func bytes() throws -> [UInt8]? {
            if let source { return Array(source.utf8) }
            guard let b64 = contentBase64 else { return nil }
            guard let data = Data(base64Encoded: b64, options: .ignoreUnknownCharacters) else { throw Problem.invalid("content_base64 is not base64", field: "content_base64") }
            return Array(data)
        }
    }

    struct Template: Encodable {
        var key: String
        var id: Int64?
        var name: String
        var builtIn: Bool
        var accountId: Int64?
        var own: Bool
        var isDefault: Bool
        var updatedAt: Date?
        var source: String?
    }

    struct TemplateList: Encodable {
        var templates: [Template]
        var `default`: String
        var restricted: Bool
    }

    struct Choice: Encodable {
        var key: String
        var name: String
    }

    struct Offer: Encodable {
        var assigned: Choice
        var restricted: Bool
        var templates: [Choice]
    }

    static func id(_ context: APIRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("coverpage").flatMap(Int64.init), id > 0 else { throw Problem.notFound("no such cover page template") }
        return id
    }

    static func problem(_ error: CoverPageError) -> Problem {
        switch error {
        case .notFound: Problem.notFound("no such cover page template at this level")
        case .duplicateName: Problem.conflict("duplicate-name", error.description)
        case .invalidName: Problem.invalid(error.description, field: "name")
        default: Problem.invalid(error.description, field: "source")
        }
    }

    private func makeDefault(_ key: String, _ target: AdminTarget, _ context: APIRequestContext) async throws {
        try await SettingsRepository(database: database).set(Settings.coverPageTemplate, to: key, atAccount: target.account.id, scope: target.scope,
                                                             by: AccountsAPIController.actor(context))
    }

    private func defaults(_ target: AdminTarget) async throws -> (key: String, restricted: Bool) {
        let settings = SettingsRepository(database: database)
        let value = try await settings.effective(Settings.coverPageTemplate, forAccount: target.account.id, scope: target.scope).value
        let restricted = try await settings.effective(Settings.coverPageRestrictToAssigned, forAccount: target.account.id, scope: target.scope).value
        return (CoverPage.builtInKey(value) ?? value, restricted)
    }

    private func one(_ page: CoverPage, _ target: AdminTarget, status: HTTPResponse.Status = .ok) async throws -> Response {
        let (key, _) = try await defaults(target)
        return try APIJSON.response(Template(key: page.key, id: page.id, name: page.name, builtIn: false, accountId: page.accountID, own: true,
                                             isDefault: page.key == key, updatedAt: page.updatedAt, source: page.source), status: status)
    }

    private func list(_ target: AdminTarget, onlyMine: Bool) async throws -> Response {
        let (key, restricted) = try await defaults(target)
        var templates: [Template] = []
        if !onlyMine {
            templates = CoverPage.builtIn.map { Template(key: $0.key, name: $0.name, builtIn: true, own: false, isDefault: $0.key == key) }
        }
        for page in try await CoverPageRepository(database: database).available(toPath: target.account.path) {
            let own = page.accountID == target.account.id
            guard own || !onlyMine else { continue }
            templates.append(Template(key: page.key, id: page.id, name: page.name, builtIn: false, accountId: page.accountID, own: own,
                                      isDefault: page.key == key, updatedAt: page.updatedAt, source: own ? page.source : nil))
        }
        return try APIJSON.response(TemplateList(templates: templates, default: key, restricted: restricted))
    }
}
