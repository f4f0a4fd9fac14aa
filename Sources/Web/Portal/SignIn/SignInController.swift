import Foundation
import HTTPTypes
import Hummingbird
import PagewireCore

/// Sign-in, sign-out and sign-out everywhere.
struct SignInController: Sendable {
    let signIn: SignInService
    let renderer: PageRenderer
    /// Opens a vault session at sign-in, so the user's documents can be read while signed in.
    let vault: Vault
    /// Ends the provider's session too when the portal session came from single sign-on (issue 11).
    var ssoSignOut: OIDCSignOut? = nil
    var origin: PortalOrigin? = nil

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
        case .signedIn(let token, let session, let expired):
            var headers = HTTPFields()
            headers.append(HTTPField(name: .setCookie, value: SessionMiddleware.cookie(token)))
            // The password opens the user's vault key once; only a wrap of it is stored, its secret
            // lives in the cookie (VaultSessions). Users without a vault key simply get none.
            if let vaultToken = try await openVaultSession(userID: session.user.id, password: password) {
                headers.append(HTTPField(name: .setCookie, value: FaxDocumentsController.vaultCookie(vaultToken)))
            }
            headers.append(HTTPField(name: .setCookie, value: "\(CSRFMiddleware.cookieName)=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict"))
            // Platform and reseller staff are let through only after their TOTP code.
            if SecondFactor.isRequired(for: session.account) {
                try await signIn.sessions.setStage(token: token, .secondFactor)
                return PageRenderer.redirect(SecondFactorController.path, headers: headers)
            }
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
        // A single sign-on session: the provider's end-session URL, found before the session row goes.
        var providerSignOut: String?
        if let ssoSignOut, let origin, let token = request.cookies[SessionMiddleware.cookieName]?.value, context.session != nil {
            do {
                providerSignOut = try await ssoSignOut.endSessionURL(sessionToken: token, postLogoutRedirectURI: try await origin.base(for: request) + "/signin")
            } catch {
                context.logger.warning("the provider's sign-out could not be prepared: \(error)")
            }
        }
        if let session = context.session, everywhere {
            try await signIn.sessions.deleteAll(userID: session.user.id)
            try await vault.sessions.closeAll(userID: session.user.id)
        } else if let token = request.cookies[SessionMiddleware.cookieName]?.value {
            try await signIn.sessions.delete(token: token)
        }
        if let vaultToken = request.cookies[FaxDocumentsController.vaultCookieName]?.value {
            try await vault.sessions.close(token: vaultToken)
        }
        var headers = HTTPFields()
        headers.append(HTTPField(name: .setCookie, value: SessionMiddleware.expiredCookie))
        headers.append(HTTPField(name: .setCookie, value: FaxDocumentsController.expiredVaultCookie))
        if let providerSignOut {
            // A page, not a redirect: a form's redirects may not leave the portal's origin (form-action 'self').
            var anonymous = context
            anonymous.session = nil
            return try SSOController.continuePage(
                renderer, context: anonymous, heading: "Signing out", message: "You are signed out here; your company's identity provider signs you out next.",
                url: providerSignOut, headers: headers)
        }
        return PageRenderer.redirect("/signin", headers: headers)
    }

    /// A vault session for a user enrolled in the vault; nil for users without a vault key.
    private func openVaultSession(userID: Int64, password: String) async throws -> String? {
        do {
            return try await vault.sessions.open(try await vault.keyring.unlockUser(userID: userID, password: password))
        } catch is VaultError {
            // Not enrolled (or a key wrapped for another password): signed in, documents stay closed.
            return nil
        }
    }

    /// Only a local path may be a redirect target after sign-in (no open redirect).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.count < 500 else { return "" }
        return next
    }
}

