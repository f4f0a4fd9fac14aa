import Foundation
import Hummingbird
import PagewireCore

/// On the sign-in form: a login whose e-mail domain belongs to a company with single sign-on goes
/// to that company's provider when no password was typed, and always when the company signs in
/// through its provider only ("SSO only"). Runs after the CSRF check, which parsed the form.
///
/// The answer is a page that continues to `/signin/sso` (not a redirect): the chain of a form's
/// redirects may not leave the portal's origin (`form-action 'self'`), and `/signin/sso` sends the
/// browser to the provider.
struct SSOSignInMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    let connections: OIDCConnectionRepository
    let renderer: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post, request.uri.path == "/signin", let login = context.form["login"], login.contains("@"),
              login.count <= 254, let connection = try await connections.find(email: login.trimmingCharacters(in: .whitespaces)),
              connection.ssoOnly || (context.form["password"] ?? "").isEmpty else {
            return try await next(request, context)
        }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let escaped = login.trimmingCharacters(in: .whitespaces).addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        return try SSOController.continuePage(
            renderer, context: context, heading: "Single sign-on", message: "Your company signs you in through its own identity provider.",
            url: "/signin/sso?login=" + escaped)
    }
}
