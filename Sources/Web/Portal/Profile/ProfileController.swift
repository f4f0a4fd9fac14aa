import Hummingbird
import PagewireCore

/// `/profile/password`: change one's password under the security policy (also where an
/// expired password sends the user before anything else).
struct ProfileController: Sendable {
    let database: Database
    let renderer: PageRenderer

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get("/profile/password") { request, context in
            let session = try context.requireSession()
            let notice = request.uri.queryParameters["changed"] != nil ? "Your password was changed. Your other sessions were signed out." : nil
            return try await page(session, context, error: nil, notice: notice)
        }
        router.post("/profile/password") { request, context in
            let session = try context.requireSession()
            let f = context.form
            do {
                try await PasswordChanger(database: database).change(
                    userID: session.user.id, current: f["current"] ?? "", new: f["new"] ?? "", confirmation: f["confirm"] ?? "",
                    keepSessionToken: request.cookies[SessionMiddleware.cookieName]?.value)
            } catch let refusal as PasswordChanger.Refusal {
                return try await page(session, context, error: refusal.description, notice: nil, status: .badRequest)
            }
            return PageRenderer.redirect("/profile/password?changed=1")
        }
    }

    private func page(_ session: PortalSession, _ context: PortalRequestContext, error: String?, notice: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let policy = try await SettingsRepository(database: database).effective(Settings.securityPolicy, forUser: session.user.id).value
        var rules = ["at least \(policy.minimumLength) characters"]
        if policy.requireUppercase { rules.append("an upper-case letter") }
        if policy.requireLowercase { rules.append("a lower-case letter") }
        if policy.requireDigit { rules.append("a digit") }
        if policy.requireSymbol { rules.append("a symbol") }
        if policy.historyCount > 0 { rules.append("different from your last \(policy.historyCount) passwords") }
        let model = PasswordModel(expired: session.mustChangePassword, rules: rules, error: error, notice: notice)
        return try renderer.render("portal/password", title: "Change password", page: model, context: context, current: "/profile", status: status)
    }
}
