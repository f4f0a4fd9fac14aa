import Foundation
import HTTPTypes
import Hummingbird
import PagewireCore

/// Sign-in, sign-out and sign-out everywhere.
struct SignInController: Sendable {
    let signIn: SignInService
    let renderer: PageRenderer

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get("/signin") { request, context in try showForm(request, context, model: SignInModel(next: Self.safeNext(request.uri.queryParameters["next"].map(String.init)))) }
        router.post("/signin") { request, context in try await submit(request, context) }
        router.post("/signout") { request, context in try await signOut(request, context, everywhere: false) }
        router.post("/signout-everywhere") { request, context in try await signOut(request, context, everywhere: true) }
    }

    /// The form, with a fresh anonymous anti-forgery token in a cookie and a hidden field.
    private func showForm(_ request: Request, _ context: PortalRequestContext, model: SignInModel, status: HTTPResponse.Status = .ok) throws -> Response {
        if context.session != nil, status == .ok { return PageRenderer.redirect("/dashboard") }
        let token = SessionToken.make()
        var headers = HTTPFields()
        headers.append(HTTPField(name: .setCookie, value: CSRFMiddleware.cookie(token)))
        return try renderer.render("portal/signin", title: "Sign in", page: model, context: context, status: status, csrf: token, headers: headers)
    }

    private func submit(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let login = context.form["login"] ?? ""
        let password = context.form["password"] ?? ""
        let next = Self.safeNext(context.form["next"])
        let outcome = try await signIn.signIn(
            login: login, password: password,
            remoteAddress: context.remoteAddress, userAgent: request.headers[.userAgent])
        // The session cookie of whoever was signed in before is dropped whatever happens next.
        if let old = request.cookies[SessionMiddleware.cookieName]?.value, !old.isEmpty {
            try await signIn.sessions.delete(token: old)
        }
        var anonymous = context
        anonymous.session = nil
        switch outcome {
        case .signedIn(let token, _, let expired):
            var headers = HTTPFields()
            headers.append(HTTPField(name: .setCookie, value: SessionMiddleware.cookie(token)))
            headers.append(HTTPField(name: .setCookie, value: "\(CSRFMiddleware.cookieName)=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict"))
            return PageRenderer.redirect(expired ? "/profile/password" : next.isEmpty ? "/dashboard" : next, headers: headers)
        case .rejected:
            return try showForm(request, anonymous, model: SignInModel(login: login, next: next, message: "The username or password is not right."), status: .unauthorized)
        case .locked(let until):
            let message = until == nil
                ? "This account is locked after too many failed sign-ins. Ask your administrator to unlock it."
                : "This account is locked after too many failed sign-ins. Try again later."
            return try showForm(request, anonymous, model: SignInModel(login: login, next: next, message: message), status: .forbidden)
        }
    }

    private func signOut(_ request: Request, _ context: PortalRequestContext, everywhere: Bool) async throws -> Response {
        if let session = context.session, everywhere {
            try await signIn.sessions.deleteAll(userID: session.user.id)
        } else if let token = request.cookies[SessionMiddleware.cookieName]?.value {
            try await signIn.sessions.delete(token: token)
        }
        var headers = HTTPFields()
        headers.append(HTTPField(name: .setCookie, value: SessionMiddleware.expiredCookie))
        return PageRenderer.redirect("/signin", headers: headers)
    }

    /// Only a local path may be a redirect target after sign-in (no open redirect).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.count < 500 else { return "" }
        return next
    }
}

