import Foundation
import Hummingbird
import Logging
import PagewireCore

/// The portal: its middleware chain and every page's routes, with their dependencies.
struct Portal: Sendable {
    let database: Database
    let renderer: PageRenderer
    let brands: BrandCache
    let sessions: SessionRepository
    let signIn: SignInService
    let vault: Vault
    let stylesheet: ByteBuffer
    /// `/static/live-status.js`: the outbox's and fax page's status updates.
    let liveStatusScript: ByteBuffer
    /// The token URL the Apps tab shows (issue 11).
    var oauthIssuer: String = ""
    /// The portal's base URL per host (single sign-on callback, page after signing out).
    var origin: PortalOrigin? = nil
    /// `oauth.allow_private_issuers`
    var allowPrivateIssuers = false
    /// The Custom tab's header/footer preview script (`Resources/Public/admin-stamp.js`).
    var adminStampScript = ByteBuffer()

    /// Loads templates and static files once; a missing or broken one stops start-up.
    static func load(configuration: Configuration, database: Database, vault: Vault) async throws -> Portal {
        let renderer = try await PageRenderer.load(resourcesDirectory: configuration.resourcesDirectory)
        let css = try String(contentsOfFile: configuration.resourcesDirectory + "/Public/portal.css", encoding: .utf8)
        let liveStatus = try String(contentsOfFile: configuration.resourcesDirectory + "/Public/live-status.js", encoding: .utf8)
        let stampScript = try String(contentsOfFile: configuration.resourcesDirectory + "/Public/admin-stamp.js", encoding: .utf8)
        return Portal(
            database: database, renderer: renderer,
            brands: BrandCache(repository: BrandRepository(database: database)),
            sessions: SessionRepository(database: database),
            signIn: SignInService(database: database),
            vault: vault,
            stylesheet: ByteBuffer(string: css),
            liveStatusScript: ByteBuffer(string: liveStatus),
            oauthIssuer: configuration.oauthIssuer,
            origin: PortalOrigin(configuration: configuration, database: database),
            allowPrivateIssuers: configuration.oauthAllowPrivateIssuers,
            adminStampScript: ByteBuffer(string: stampScript))
    }

    /// Paths the portal's session, CSRF and error-page handling leave alone (the REST API has its own).
    static func isAPIPath(_ path: String) -> Bool {
        path == "/v1" || path.hasPrefix("/v1/") || path.hasPrefix("/oauth/") || path.hasPrefix("/.well-known/")
    }

    func addMiddleware(to router: Router<PortalRequestContext>) {
        router.middlewares.add(SecurityHeadersMiddleware())
        router.middlewares.add(BrandMiddleware(cache: brands))
        router.middlewares.add(ErrorPageMiddleware(renderer: renderer))
        router.middlewares.add(SessionMiddleware(sessions: sessions))
        router.middlewares.add(CSRFMiddleware())
        // identity (issue 11): logins of single sign-on domains go to their company's provider
        router.middlewares.add(SSOSignInMiddleware(connections: OIDCConnectionRepository(database: database, transit: vault.documents.transit),
                                                   renderer: renderer))
    }

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get("/") { _, context in
            PageRenderer.redirect(context.session == nil ? "/signin" : "/dashboard")
        }
        router.get("/static/portal.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=300"],
                     body: .init(byteBuffer: stylesheet))
        }
        router.get("/static/admin-stamp.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=300"],
                     body: .init(byteBuffer: adminStampScript))
        }
        router.get("/static/live-status.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=300"],
                     body: .init(byteBuffer: liveStatusScript))
        }
        router.get("/brand.css") { _, context in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "no-cache"],
                     body: .init(byteBuffer: ByteBuffer(string: Self.brandCSS(context.brand))))
        }
        SignInController(signIn: signIn, renderer: renderer, vault: vault, ssoSignOut: OIDCSignOut(database: database), origin: origin)
            .addRoutes(to: router)
        DashboardController(database: database, renderer: renderer).addRoutes(to: router)
        AdminPortal(database: database, renderer: renderer, transit: vault.documents.transit).addRoutes(to: router)
        FaxController(database: database, renderer: renderer).addRoutes(to: router)
        LiveStatusController(database: database).addRoutes(to: router)
        ResubmitController(database: database, renderer: renderer).addRoutes(to: router)
        ContactsController(database: database, renderer: renderer).addRoutes(to: router)
        SendFaxController(database: database, renderer: renderer, vault: vault).addRoutes(to: router)
        ProfileController(database: database, renderer: renderer).addRoutes(to: router)
        PortingController(database: database, renderer: renderer, vault: vault).addRoutes(to: router)

        // E-mail to fax administration (issue 10).
        EmailToFaxAdminController(database: database, renderer: renderer).addRoutes(to: router)
        PasswordResetController(database: database, renderer: renderer).addRoutes(to: router)
        ProfileOverviewController(database: database, renderer: renderer).addRoutes(to: router)
        FaxDocumentsController(database: database, vault: vault, renderer: renderer).addRoutes(to: router)
        SecondFactorController(database: database, renderer: renderer, secondFactor: SecondFactor(database: database, transit: vault.documents.transit))
            .addRoutes(to: router)

        AppsPageController(database: database, renderer: renderer, issuer: oauthIssuer).addRoutes(to: router)
        if let origin {
            // The company's single sign-on page, through the admin rights table like every admin route.
            SSOAdminController(database: database, renderer: renderer,
                               admin: SSOConnectionAdmin(database: database, transit: vault.documents.transit, publicURL: origin.configured[0],
                                                          allowPrivateIssuers: allowPrivateIssuers))
                .addRoutes(to: AdminPortalRoutes(router: router, authorizer: AdminAuthorizer(database: database)))
            SSOController(database: database, vault: vault, sessions: sessions, origin: origin, renderer: renderer).addRoutes(to: router)
        }

        // Documents library, contact groups and the user's own numbers (issue 7, item 4).
        DocumentsController(database: database, renderer: renderer, vault: vault).addRoutes(to: router)
        GroupsController(database: database, renderer: renderer).addRoutes(to: router)
        MyNumbersController(database: database, renderer: renderer).addRoutes(to: router)
    }

    /// The brand's colours as CSS custom properties (validated again: they go into a stylesheet).
    static func brandCSS(_ brand: Brand) -> String {
        let valid = #/^#[0-9a-fA-F]{6}$/#
        let primary = (try? valid.wholeMatch(in: brand.primaryColour)) != nil ? brand.primaryColour : Brand.platformDefault.primaryColour
        let accent = (try? valid.wholeMatch(in: brand.accentColour)) != nil ? brand.accentColour : Brand.platformDefault.accentColour
        return ":root { --primary: \(primary); --accent: \(accent); }\n"
    }
}
