import Hummingbird
import PagewireCore

/// Every state-changing request must carry the anti-forgery token in its form field `csrf`:
/// the session's token when signed in, otherwise (the sign-in form) the value of the `pw_csrf`
/// cookie the form page set (double submit). Anything else is 403. The parsed form is handed on.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    static let fieldName = "csrf"
    static let cookieName = "pw_csrf"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Portal.isAPIPath(request.uri.path) { return try await next(request, context) }
        guard request.method != .get, request.method != .head, request.method != .options else {
            return try await next(request, context)
        }
        var request = request
        var context = context
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        context.form = FormData(contentType: request.headers[.contentType], body: Array(buffer: body))
        // The sign-in form is always an anonymous page, so it is checked against its cookie.
        let anonymousForm = request.uri.path == "/signin"
        let expected = anonymousForm ? request.cookies[Self.cookieName]?.value : context.session?.csrfToken ?? request.cookies[Self.cookieName]?.value
        guard let expected, !expected.isEmpty, let sent = context.form[Self.fieldName],
              SessionToken.equal(sent, expected) else {
            throw PortalError.forbidden
        }
        return try await next(request, context)
    }

    /// The cookie holding the anonymous form token (sign-in page).
    static func cookie(_ token: String) -> String {
        "\(cookieName)=\(token); Path=/; HttpOnly; Secure; SameSite=Strict"
    }
}
