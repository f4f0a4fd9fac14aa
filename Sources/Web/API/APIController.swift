import Foundation
import Hummingbird
import Logging
import PagewireCore

/// The REST API `/v1`: problem documents for every error (unknown routes included), the public
/// OpenAPI document, bearer-token authentication, then the resource controllers.
struct APIController {
    let database: Database
    let vault: Vault
    let maxBodyBytes: Int
    let allowPrivateWebhookTargets: Bool
    /// `Resources/OpenAPI/pagewire-v1.json`, read once; a missing file stops start-up.
    let openAPIDocument: ByteBuffer
    /// API apps and their tokens (issue 11): one signing-key cache per process.
    let identity: IdentityServices
    /// `/oauth/token` limits per client id and per address, per minute.
    let tokenRequestsPerClient: Int
    let tokenRequestsPerIP: Int
    /// `web.public_url`, where single sign-on callbacks land for companies without a brand domain.
    let publicURL: String
    let allowPrivateIssuers: Bool

    enum StartupError: Error, CustomStringConvertible {
        case missingOpenAPIDocument(String)
        var description: String {
            switch self { case .missingOpenAPIDocument(let path): "the OpenAPI document \(path) cannot be read" }
        }
    }

    init(configuration: Configuration, database: Database, vault: Vault) throws {
        self.database = database
        self.vault = vault
        self.maxBodyBytes = configuration.apiMaxBodyBytes
        self.allowPrivateWebhookTargets = configuration.webhooksAllowPrivateTargets
        let path = configuration.resourcesDirectory + "/OpenAPI/pagewire-v1.json"
        guard let data = FileManager.default.contents(atPath: path) else { throw StartupError.missingOpenAPIDocument(path) }
        openAPIDocument = ByteBuffer(bytes: data)
        identity = IdentityServices(configuration: configuration, database: database, vault: vault)
        tokenRequestsPerClient = configuration.oauthTokenRequestsPerMinutePerClient
        tokenRequestsPerIP = configuration.oauthTokenRequestsPerMinutePerIP
        publicURL = configuration.webPublicURL
        allowPrivateIssuers = configuration.oauthAllowPrivateIssuers
    }

    func addRoutes(to router: Router<APIRequestContext.Source>) {
        let api = router.group("v1", context: APIRequestContext.self)
        api.add(middleware: APIErrorMiddleware())
        let document = openAPIDocument
        api.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: document))
        }
        OAuthController(identity: identity, perClientPerMinute: tokenRequestsPerClient, perIPPerMinute: tokenRequestsPerIP).addRoutes(to: router)
        api.add(middleware: BearerAuthenticationMiddleware(tokens: APITokenRepository(database: database), identity: identity))
        AdminAPI.addRoutes(to: api, database: database, transit: vault.documents.transit)
        // Single sign-on connections (issue 11), checked by the same rights table.
        SSOAPIController(admin: SSOConnectionAdmin(database: database, transit: vault.documents.transit, publicURL: publicURL,
                                                     allowPrivateIssuers: allowPrivateIssuers))
            .addRoutes(to: AdminAPIRoutes(group: api, authorizer: AdminAuthorizer(database: database)))
        api.get("me") { _, context -> Response in
            let p = try context.requirePrincipal()
            return try APIJSON.response(Me(userId: p.userID, accountId: p.accountID, companyId: p.companyID, scopeAccountId: p.scope.rootID))
        }
        FaxesController(database: database, documents: vault.documents, maxBodyBytes: maxBodyBytes).addRoutes(to: api)
        WebhooksController(database: database, transit: vault.documents.transit, allowPrivateTargets: allowPrivateWebhookTargets).addRoutes(to: api)
        AuditLogController(database: database).addRoutes(to: api)
        PortRequestsController(database: database, vault: vault, maxBodyBytes: maxBodyBytes).addRoutes(to: api)
        AppsController(database: database, identity: identity).addRoutes(to: api)

        InboundController(database: database, documents: vault.documents, maxBodyBytes: maxBodyBytes).addRoutes(to: api)

        // E-mail to fax administration (issue 10): fax domains and sending addresses.
        MailAdministrationController(database: database).addRoutes(to: api)

        // Requests under /v1 that match no route reach the router's not-found responder, which
        // runs the router's middleware: answer them with a problem document too.
        router.add(middleware: APINotFoundMiddleware())
    }

    struct Me: Encodable {
        var userId: Int64
        var accountId: Int64
        var companyId: Int64?
        var scopeAccountId: Int64
    }
}
