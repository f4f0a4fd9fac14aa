import Foundation
import Hummingbird
import PagewireCore

/// `/v1/apps`: API app registrations of the caller's company (the Concord guide's Apps tab), for
/// administrators holding the `apps` right, with a personal API token (apps never manage apps).
/// A new app comes with its first client secret; `POST /v1/apps/{id}/secrets` adds a second
/// ("rotate"), each shown once.
struct AppsController {
    let apps: APIAppRepository
    let users: UserRepository
    let identity: IdentityServices

    init(database: Database, identity: IdentityServices) {
        apps = APIAppRepository(database: database)
        users = UserRepository(database: database)
        self.identity = identity
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("apps", use: list)
        group.post("apps", use: create)
        group.get("apps/{id}", use: show)
        group.put("apps/{id}", use: update)
        group.delete("apps/{id}", use: delete)
        group.post("apps/{id}/secrets", use: addSecret)
        group.delete("apps/{id}/secrets/{secret}", use: deleteSecret)
    }

    /// The subtree of the caller's highest `apps` grant inside a company.
    func scope(_ context: APIRequestContext) async throws -> (AccountScope, Int64) {
        let principal = try context.requirePrincipal()
        let grants = try await users.grants(of: principal.userID)
            .filter { $0.allows(.apps, on: $0.account) && $0.account.companyID != nil }
        guard let grant = grants.min(by: { $0.account.path.count < $1.account.path.count }) else {
            throw Problem("forbidden", status: .forbidden, title: "Forbidden", detail: "managing API apps needs the 'apps' administrator right in a company")
        }
        return (grant.account.scope, principal.userID)
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (scope, _) = try await scope(context)
        return try await mapped {
            var out: [AppResource] = []
            for app in try await apps.list(scope: scope) {
                out.append(AppResource(app, secrets: try await apps.secrets(appID: app.id, scope: scope), issuer: identity.issuer.issuer))
            }
            return try APIJSON.response(AppList(apps: out))
        }
    }

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (scope, userID) = try await scope(context)
        let input = try await request.decode(as: AppInput.self, context: context)
        return try await mapped {
            let app = try await apps.create(try input.draft(), scope: scope, createdBy: userID)
            let secret = try await apps.addSecret(appID: app.id, lifetimeSeconds: input.secretLifetimeSeconds ?? Self.defaultSecretLifetime,
                                                  scope: scope, actor: userID)
            var resource = AppResource(app, secrets: [secret.record], issuer: identity.issuer.issuer)
            resource.clientSecret = secret.secret
            return try APIJSON.response(resource, status: .created, headers: [.location: "/v1/apps/\(app.id)", .cacheControl: "no-store"])
        }
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (scope, _) = try await scope(context)
        let id = try Self.id(context, "id")
        return try await mapped {
            guard let app = try await apps.get(id, scope: scope) else { throw APIAppError.notFound }
            return try APIJSON.response(AppResource(app, secrets: try await apps.secrets(appID: id, scope: scope), issuer: identity.issuer.issuer))
        }
    }

    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (scope, userID) = try await scope(context)
        let id = try Self.id(context, "id")
        let input = try await request.decode(as: AppInput.self, context: context)
        return try await mapped {
            let app = try await apps.update(id: id, try input.draft(), scope: scope, changedBy: userID)
            identity.verifiedTokens.removeAll()
            return try APIJSON.response(AppResource(app, secrets: try await apps.secrets(appID: id, scope: scope), issuer: identity.issuer.issuer))
        }
    }

    @Sendable func delete(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (scope, userID) = try await scope(context)
        let id = try Self.id(context, "id")
        return try await mapped {
            try await apps.delete(id: id, scope: scope, deletedBy: userID)
            identity.verifiedTokens.removeAll()
            return Response(status: .noContent)
        }
    }

    @Sendable func addSecret(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (scope, userID) = try await scope(context)
        let id = try Self.id(context, "id")
        let input = try await request.decode(as: SecretInput.self, context: context)
        return try await mapped {
            let secret = try await apps.addSecret(appID: id, lifetimeSeconds: input.lifetimeSeconds ?? Self.defaultSecretLifetime, scope: scope, actor: userID)
            var resource = SecretResource(secret.record)
            resource.clientSecret = secret.secret
            return try APIJSON.response(resource, status: .created, headers: [.cacheControl: "no-store"])
        }
    }

    @Sendable func deleteSecret(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (scope, userID) = try await scope(context)
        let id = try Self.id(context, "id")
        let secretID = try Self.id(context, "secret")
        return try await mapped {
            try await apps.deleteSecret(appID: id, secretID: secretID, scope: scope, actor: userID)
            return Response(status: .noContent)
        }
    }

    static let defaultSecretLifetime = 180 * 86400

    static func id(_ context: APIRequestContext, _ name: String) throws -> Int64 {
        guard let id = context.parameters.get(name, as: Int64.self), id > 0 else { throw Problem.notFound("no such app") }
        return id
    }

    /// Runs `body`, turning the repository's errors into problem documents.
    func mapped(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as APIAppError {
            switch error {
            case .invalid(let field, let reason): throw Problem.invalid(reason, field: field)
            case .limitReached: throw Problem.conflict("app-limit", error.description)
            case .tooManySecrets: throw Problem.conflict("too-many-secrets", error.description)
            case .notFound: throw Problem.notFound("no such app")
            }
        }
    }

    // MARK: - JSON

    struct AppInput: Decodable {
        var name: String
        var description: String?
        var actingUser: String
        var resources: [String]
        var accessTokenSeconds: Int?
        var refreshTokens: Bool?
        var refreshTokenSeconds: Int?
        var externalIssuer: String?
        var metadataUrl: String?
        var audience: String?
        var secretLifetimeSeconds: Int?

        func draft() throws -> APIAppDraft {
            var set = Set<APIResource>()
            for r in resources {
                guard let resource = APIResource(rawValue: r) else { throw APIAppError.invalid(field: "resources", reason: "resources are faxws, iws and amws") }
                set.insert(resource)
            }
            var draft = APIAppDraft(name: name, description: description ?? "", actingUser: actingUser, resources: set)
            if let v = accessTokenSeconds { draft.accessTokenSeconds = v }
            if let v = refreshTokens { draft.refreshTokens = v }
            if let v = refreshTokenSeconds { draft.refreshTokenSeconds = v }
            draft.externalIssuer = externalIssuer
            draft.metadataURL = metadataUrl
            draft.audience = audience
            return draft
        }
    }

    struct SecretInput: Decodable {
        var lifetimeSeconds: Int?
    }

    struct AppList: Encodable {
        var apps: [AppResource]
    }

    struct AppResource: Encodable {
        var id: Int64
        var clientId: String
        var clientSecret: String?
        var name: String
        var description: String
        var actingUserId: Int64
        var resources: [String]
        var scopes: [String]
        var accessTokenSeconds: Int
        var refreshTokens: Bool
        var refreshTokenSeconds: Int
        var externalIssuer: String?
        var metadataUrl: String?
        var audience: String?
        var tokenUrl: String
        var secrets: [SecretResource]
        var createdAt: Date
        var updatedAt: Date

        init(_ app: APIApp, secrets: [APIAppSecret], issuer: String) {
            id = app.id
            clientId = app.clientID
            name = app.name
            description = app.description
            actingUserId = app.actingUserID
            resources = app.resources.sorted().map(\.rawValue)
            scopes = app.scopes
            accessTokenSeconds = app.accessTokenSeconds
            refreshTokens = app.refreshTokens
            refreshTokenSeconds = app.refreshTokenSeconds
            externalIssuer = app.externalIssuer
            metadataUrl = app.metadataURL
            audience = app.audience
            tokenUrl = issuer + "/oauth/token"
            self.secrets = secrets.map(SecretResource.init)
            createdAt = app.createdAt
            updatedAt = app.updatedAt
        }
    }

    struct SecretResource: Encodable {
        var id: Int64
        var prefix: String
        var clientSecret: String?
        var createdAt: Date
        var expiresAt: Date
        var lastUsedAt: Date?

        init(_ s: APIAppSecret) {
            id = s.id
            prefix = s.prefix
            createdAt = s.createdAt
            expiresAt = s.expiresAt
            lastUsedAt = s.lastUsedAt
        }
    }
}
