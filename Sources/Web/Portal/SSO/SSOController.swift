import Foundation
import HTTPTypes
import Hummingbird
import PagewireCore

/// Single sign-on through a company's OpenID Connect provider: `/signin/sso?login=<e-mail>` finds
/// the company by the e-mail domain and sends the browser to the provider (code flow with PKCE,
/// state and nonce); `/signin/sso/callback` verifies the answer, provisions the user when the
/// company allows it, and starts a portal session bound by the company's session policy.
///
/// The callback URL is on the host the browser uses (`PortalOrigin`: a configured base URL or a
/// brand domain), so each white-label domain registers its own callback at the provider and the
/// session cookie lands where the person signs in.
struct SSOController: Sendable {
    let database: Database
    let sessions: SessionRepository
    let connections: OIDCConnectionRepository
    let signIn: OIDCSignIn
    let signOut: OIDCSignOut
    let origin: PortalOrigin
    let renderer: PageRenderer

    static let callbackPath = "/signin/sso/callback"

    init(database: Database, vault: Vault, sessions: SessionRepository, origin: PortalOrigin, renderer: PageRenderer) {
        self.database = database
        self.sessions = sessions
        self.origin = origin
        self.renderer = renderer
        connections = OIDCConnectionRepository(database: database, transit: vault.documents.transit)
        signIn = OIDCSignIn(database: database, connections: connections, keys: ExternalIssuerKeys())
        signOut = OIDCSignOut(database: database)
    }

    /// The interstitial page that sends the browser on to `url` (a meta refresh and a link): the
    /// portal's `form-action 'self'` policy stops a form's redirect chain at another origin, while
    /// a fresh navigation from a page may go there.
    struct ContinueModel: Sendable {
        let heading: String
        let message: String
        let url: String
    }

    static func continuePage(_ renderer: PageRenderer, context: PortalRequestContext, heading: String, message: String, url: String,
                             headers: HTTPFields = [:]) throws -> Response {
        try renderer.render("portal/continue", title: heading, page: ContinueModel(heading: heading, message: message, url: url),
                            context: context, headers: headers)
    }

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get("/signin/sso") { request, context in
            let login = request.uri.queryParameters["login"].map(String.init) ?? ""
            guard login.count <= 254, let connection = try await connections.find(email: login) else {
                return PageRenderer.redirect("/signin")
            }
            let redirectURI = try await origin.base(for: request) + Self.callbackPath
            do {
                return PageRenderer.redirect(try await signIn.begin(connection, redirectURI: redirectURI, loginHint: login))
            } catch let error as OIDCSignInError {
                context.logger.warning("single sign-on could not start: \(error)")
                throw PortalError.badRequest("The identity provider of your company cannot be reached now.")
            }
        }
        router.get(RouterPath(Self.callbackPath)) { request, context in
            let q = request.uri.queryParameters
            guard let state = q["state"].map(String.init), let code = q["code"].map(String.init) else {
                throw PortalError.badRequest("The identity provider did not sign you in.")
            }
            let user: User
            let identity: OIDCIdentity
            do {
                identity = try await signIn.complete(state: state, code: code)
                user = try await signIn.provision(identity, users: UserRepository(database: database))
            } catch let error as OIDCSignInError {
                context.logger.warning("single sign-on refused: \(error)")
                throw PortalError.badRequest("Single sign-on did not succeed: \(error.description).")
            }
            let policy = try await SettingsRepository(database: database).effective(Settings.securityPolicy, forUser: user.id).value
            let (token, _) = try await sessions.create(
                userID: user.id, idleTimeoutSeconds: policy.sessionTimeoutMinutes * 60, remoteAddress: context.remoteAddress,
                userAgent: request.headers[.userAgent])
            // Signing out later also ends the provider's session (RP-initiated logout).
            try await signOut.remember(sessionToken: token, companyID: identity.companyID, idToken: identity.idToken)
            try await AuditLog(database: database).record(
                accountID: user.accountID, actor: .user(user.id, label: user.email, ip: context.remoteAddress), action: .signIn,
                targetType: "user", targetID: "\(user.id)", detail: "single sign-on")
            if let old = request.cookies[SessionMiddleware.cookieName]?.value, !old.isEmpty {
                try await sessions.delete(token: old)
            }
            var headers = HTTPFields()
            headers.append(HTTPField(name: .setCookie, value: SessionMiddleware.cookie(token)))
            return PageRenderer.redirect("/dashboard", headers: headers)
        }
    }
}
