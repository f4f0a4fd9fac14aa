import Foundation
import Hummingbird
import PagewireCore

/// The Apps tab (Workflow Identity Management): `/apps` lists the company's API apps and registers
/// new ones; `/apps/{id}` shows the client id, token URL and secrets, adds ("rotate") and deletes
/// secrets, and deletes the app. Administrators with the `apps` right in a company only.
struct AppsPageController: Sendable {
    let database: Database
    let renderer: PageRenderer
    let issuer: String

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get("/apps") { _, context in
            let (scope, _) = try await access(context)
            return try await list(scope, context, error: nil, form: [:])
        }
        router.post("/apps") { _, context in
            let (scope, session) = try await access(context)
            let f = context.form
            let resources = Set(f.all("resources").compactMap(APIResource.init(rawValue:)))
            var draft = APIAppDraft(name: f["name"] ?? "", description: f["description"] ?? "", actingUser: f["acting_user"] ?? "", resources: resources)
            draft.accessTokenSeconds = (Int(f["access_token_minutes"] ?? "") ?? 60) * 60
            draft.refreshTokens = f["refresh_tokens"] == "on"
            draft.refreshTokenSeconds = (Int(f["refresh_token_days"] ?? "") ?? 30) * 86400
            draft.externalIssuer = f["external_issuer"]
            draft.metadataURL = f["metadata_url"]
            draft.audience = f["audience"]
            let apps = APIAppRepository(database: database)
            do {
                let app = try await apps.create(draft, scope: scope, createdBy: session.user.id)
                let secret = try await apps.addSecret(appID: app.id, lifetimeSeconds: AppsController.defaultSecretLifetime, scope: scope, actor: session.user.id)
                return try await detail(app.id, scope, context, newSecret: secret.secret, error: nil)
            } catch let error as APIAppError {
                var typed: [String: String] = [:]
                for key in ["name", "description", "acting_user", "access_token_minutes", "refresh_token_days", "external_issuer", "metadata_url", "audience"] {
                    typed[key] = f[key] ?? ""
                }
                for r in resources { typed["resource_" + r.rawValue] = "on" }
                return try await list(scope, context, error: error.description, form: typed, status: .badRequest)
            }
        }
        router.get("/apps/{id}") { _, context in
            let (scope, _) = try await access(context)
            return try await detail(try id(context), scope, context, newSecret: nil, error: nil)
        }
        router.post("/apps/{id}/secrets") { _, context in
            let (scope, session) = try await access(context)
            let id = try id(context)
            let days = Int(context.form["lifetime_days"] ?? "") ?? 180
            do {
                let secret = try await APIAppRepository(database: database).addSecret(appID: id, lifetimeSeconds: days * 86400, scope: scope, actor: session.user.id)
                return try await detail(id, scope, context, newSecret: secret.secret, error: nil)
            } catch let error as APIAppError where error != .notFound {
                return try await detail(id, scope, context, newSecret: nil, error: error.description, status: .badRequest)
            }
        }
        router.post("/apps/{id}/secrets/{secret}/delete") { _, context in
            let (scope, session) = try await access(context)
            let id = try id(context)
            guard let secretID = context.parameters.get("secret", as: Int64.self) else { throw PortalError.notFound }
            try await mapNotFound { try await APIAppRepository(database: database).deleteSecret(appID: id, secretID: secretID, scope: scope, actor: session.user.id) }
            return PageRenderer.redirect("/apps/\(id)")
        }
        router.post("/apps/{id}/delete") { _, context in
            let (scope, session) = try await access(context)
            let id = try id(context)
            try await mapNotFound { try await APIAppRepository(database: database).delete(id: id, scope: scope, deletedBy: session.user.id) }
            return PageRenderer.redirect("/apps")
        }
    }

    /// The subtree of the caller's highest `apps` grant inside a company; others get 403.
    func access(_ context: PortalRequestContext) async throws -> (AccountScope, PortalSession) {
        let session = try context.requireSession()
        let grants = try await UserRepository(database: database).grants(of: session.user.id)
            .filter { $0.allows(.apps, on: $0.account) && $0.account.companyID != nil }
        guard let grant = grants.min(by: { $0.account.path.count < $1.account.path.count }) else { throw PortalError.forbidden }
        return (grant.account.scope, session)
    }

    func id(_ context: PortalRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self), id > 0 else { throw PortalError.notFound }
        return id
    }

    func mapNotFound(_ body: () async throws -> Void) async throws {
        do { try await body() } catch APIAppError.notFound { throw PortalError.notFound }
    }

    func list(_ scope: AccountScope, _ context: PortalRequestContext, error: String?, form: [String: String], status: HTTPResponse.Status = .ok) async throws -> Response {
        let apps = APIAppRepository(database: database)
        let rows = try await apps.list(scope: scope)
        let companyID = try await AccountRepository(database: database).get(scope.rootID, scope: scope)?.companyID ?? scope.rootID
        let limit = try await apps.maxApps(companyID: companyID)
        let model = AppsPageModel(
            apps: rows.map { .init(id: $0.id, name: $0.name, clientID: $0.clientID, resources: $0.resources.sorted().map(\.title).joined(separator: ", "),
                                   external: $0.externalIssuer != nil) },
            limit: limit, count: rows.count, canRegister: rows.count < limit,
            resources: APIResource.allCases.map { .init(value: $0.rawValue, title: $0.title, scopes: $0.scopes.joined(separator: " "),
                                                         checked: form["resource_" + $0.rawValue] == "on") },
            error: error, form: form)
        return try renderer.render("portal/apps", title: "Apps", page: model, context: context, current: "/apps", status: status)
    }

    func detail(_ id: Int64, _ scope: AccountScope, _ context: PortalRequestContext, newSecret: String?, error: String?,
                status: HTTPResponse.Status = .ok) async throws -> Response {
        let apps = APIAppRepository(database: database)
        guard let app = try await apps.get(id, scope: scope) else { throw PortalError.notFound }
        let secrets = try await apps.secrets(appID: id, scope: scope)
        let user = try await UserRepository(database: database).get(app.actingUserID, scope: scope)
        let format = Date.ISO8601FormatStyle().year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon)
        let model = AppDetailModel(
            id: app.id, name: app.name, description: app.description, clientID: app.clientID, tokenURL: issuer + "/oauth/token",
            scopes: app.scopes.joined(separator: " "), actingUser: user?.email ?? "#\(app.actingUserID)",
            accessTokenSeconds: app.accessTokenSeconds, refreshTokens: app.refreshTokens,
            externalIssuer: app.externalIssuer, audience: app.audience,
            secrets: secrets.map { .init(id: $0.id, prefix: $0.prefix, expires: $0.expiresAt.formatted(format),
                                         lastUsed: $0.lastUsedAt.map { $0.formatted(format) } ?? "never") },
            canAddSecret: secrets.count < APIAppRepository.maxLiveSecrets, newSecret: newSecret, error: error)
        var headers: HTTPFields = [:]
        if newSecret != nil { headers[.cacheControl] = "no-store" }
        return try renderer.render("portal/app", title: app.name, page: model, context: context, current: "/apps", status: status, headers: headers)
    }
}
