import Foundation
import HTTPTypes
import Hummingbird
import PagewireCore

/// Forgot-password by e-mailed one-time link: `/forgot-password` records the request (rate
/// limited, the same answer for every login, so nobody learns which accounts exist) and
/// `pagewire-jobs` mails the link; `/reset-password?token=…` sets a new password under the
/// user's policy, once, within `PasswordReset.lifetime`. Opening the link changes nothing (mail
/// scanners fetch links); only the form post uses it.
struct PasswordResetController: Sendable {
    let database: Database
    let renderer: PageRenderer
    let reset: PasswordReset

    init(database: Database, renderer: PageRenderer) {
        self.database = database
        self.renderer = renderer
        self.reset = PasswordReset(database: database)
    }

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get("/forgot-password") { _, context in
            try anonymousForm("password-reset/forgot", title: "Forgot password", page: ForgotPasswordModel(minutes: Self.minutes), context)
        }
        router.post("/forgot-password") { request, context in
            let login = (context.form["login"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !login.isEmpty else {
                return try anonymousForm("password-reset/forgot", title: "Forgot password",
                                         page: ForgotPasswordModel(error: "Type your username or e-mail address.", minutes: Self.minutes), context, status: .badRequest)
            }
            switch try await reset.request(login: login, remoteAddress: context.remoteAddress) {
            case .queued:
                return try anonymousForm("password-reset/forgot", title: "Forgot password",
                                         page: ForgotPasswordModel(login: login, sent: true, minutes: Self.minutes), context)
            case .limited:
                return try anonymousForm("password-reset/forgot", title: "Forgot password",
                                         page: ForgotPasswordModel(login: login, error: "Too many requests. Try again in an hour.", minutes: Self.minutes),
                                         context, status: .tooManyRequests)
            }
        }
        router.get("/reset-password") { request, context in
            let token = request.uri.queryParameters["token"].map(String.init) ?? ""
            let valid = try await reset.userID(forToken: token) != nil
            return try await resetPage(token: token, valid: valid, error: nil, context, status: valid ? .ok : .badRequest)
        }
        router.post("/reset-password") { _, context in
            let token = context.form["token"] ?? ""
            do {
                let done = try await reset.complete(
                    token: token, new: context.form["new"] ?? "", confirmation: context.form["confirm"] ?? "", remoteAddress: context.remoteAddress)
                var anonymous = context
                anonymous.session = nil
                let model = ResetPasswordModel(token: "", valid: true, rules: [], error: nil, done: true, vaultPending: !done.pendingVaultCompanies.isEmpty)
                // Every session of the user ended, this browser's too: drop its cookie.
                var headers = HTTPFields()
                headers.append(HTTPField(name: .setCookie, value: SessionMiddleware.expiredCookie))
                return try renderer.render("password-reset/reset", title: "Password changed", page: model, context: anonymous, headers: headers)
            } catch let failure as PasswordReset.Failure {
                let valid = failure != .invalidLink
                return try await resetPage(token: valid ? token : "", valid: valid, error: failure.description, context, status: .badRequest)
            }
        }
    }

    static var minutes: Int { Int(PasswordReset.lifetime / 60) }

    /// A page with a form for someone not signed in: a fresh anti-forgery token in a cookie and
    /// the form (double submit), as on the sign-in page; signed-in users keep their session's token.
    private func anonymousForm<Page>(_ template: String, title: String, page: Page, _ context: PortalRequestContext, status: HTTPResponse.Status = .ok) throws -> Response {
        if context.session != nil {
            return try renderer.render(template, title: title, page: page, context: context, status: status)
        }
        let token = SessionToken.make()
        var headers = HTTPFields()
        headers.append(HTTPField(name: .setCookie, value: CSRFMiddleware.cookie(token)))
        return try renderer.render(template, title: title, page: page, context: context, status: status, csrf: token, headers: headers)
    }

    private func resetPage(token: String, valid: Bool, error: String?, _ context: PortalRequestContext, status: HTTPResponse.Status) async throws -> Response {
        var rules: [String] = []
        if valid, let userID = try await reset.userID(forToken: token) {
            let policy = try await SettingsRepository(database: database).effective(Settings.securityPolicy, forUser: userID).value
            rules = policy.ruleDescriptions
        }
        let model = ResetPasswordModel(token: token, valid: valid, rules: rules, error: error, done: false, vaultPending: false)
        return try anonymousForm("password-reset/reset", title: "Choose a new password", page: model, context, status: status)
    }
}
