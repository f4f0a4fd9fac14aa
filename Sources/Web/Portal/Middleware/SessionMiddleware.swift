import Hummingbird
import PagewireCore

/// Reads the session cookie and puts the live session (if any) into the context.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    static let cookieName = "pw_session"
    static let allowedWhileChangingPassword: Set<String> = ["/profile/password", "/signout", "/static/portal.css", "/brand.css", "/healthz"]
    let sessions: SessionRepository

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Portal.isAPIPath(request.uri.path) { return try await next(request, context) }
        var context = context
        if let token = request.cookies[Self.cookieName]?.value, !token.isEmpty {
            // A page's own polling does not count as the user being active.
            context.session = try await sessions.find(token: token, touch: !LiveStatusController.isPollingPath(request.uri.path))
        }
        // Staff give their second factor before anything else; an expired password is changed next.
        if context.session?.needsSecondFactor == true, !SecondFactorController.allowedPaths.contains(request.uri.path) {
            return PageRenderer.redirect(SecondFactorController.path)
        }
        if context.session?.mustChangePassword == true, !Self.allowedWhileChangingPassword.contains(request.uri.path) {
            return PageRenderer.redirect("/profile/password")
        }
        return try await next(request, context)
    }

    /// The cookie that carries a session: never readable by script, only over HTTPS, not sent
    /// on cross-site subrequests.
    static func cookie(_ token: String) -> String {
        "\(cookieName)=\(token); Path=/; HttpOnly; Secure; SameSite=Lax"
    }

    /// A header value that removes the session cookie.
    static var expiredCookie: String {
        "\(cookieName)=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax"
    }
}
