import Hummingbird
import PagewireCore

/// `/admin/accounts/:account/retention` (companies): how long fax documents are kept. The
/// platform sets each company's minimum and maximum; the company picks within them.
struct RetentionAdminController: Sendable {
    let database: Database
    let renderer: PageRenderer

    struct Model: Sendable {
        let tabs: AdminTabs
        let settingTabs: [SettingsAdminModel.TabLink]
        let accountID: Int64
        let minDays: Int
        let maxDays: Int
        let chosen: String
        let effectiveDays: Int
        let metadataDays: Int
        let canChoose: Bool
        let canSetLimits: Bool
        let notice: String?
        let error: String?
    }

    func addRoutes(to routes: AdminPortalRoutes) {
        routes.get("/admin/accounts/:account/retention") { request, context, target in
            try await page(context, target, notice: request.uri.queryParameters["saved"] != nil ? "Saved." : nil)
        }
        routes.post("/admin/accounts/:account/retention") { _, context, target in
            let f = context.form
            let policies = RetentionPolicies(database: database)
            let actor: AuditActor = context.session.map { .user($0.user.id, label: $0.user.username, ip: context.remoteAddress) } ?? .system("portal")
            do {
                if let min = f["min_days"], let max = f["max_days"] {
                    // Limits are the platform's to set.
                    guard target.grant.account.kind == .platform else { throw HTTPError(.forbidden, message: "Only the platform sets retention limits.") }
                    guard let lo = Int(min.trimmingCharacters(in: .whitespaces)), let hi = Int(max.trimmingCharacters(in: .whitespaces)) else {
                        return try await page(context, target, error: "Days are whole numbers.", status: .badRequest)
                    }
                    try await policies.setLimits(companyID: target.account.id, minDays: lo, maxDays: hi, actor: actor)
                } else {
                    guard let text = f["days"]?.trimmingCharacters(in: .whitespaces) else {
                        return try await page(context, target, error: "Choose how many days documents are kept.", status: .badRequest)
                    }
                    if text.isEmpty {
                        try await policies.choose(companyID: target.account.id, days: nil, actor: actor)
                    } else {
                        guard let days = Int(text) else { return try await page(context, target, error: "Days are a whole number.", status: .badRequest) }
                        try await policies.choose(companyID: target.account.id, days: days, actor: actor)
                    }
                }
            } catch let error as VaultError {
                return try await page(context, target, error: error.description.prefix(1).uppercased() + error.description.dropFirst() + ".", status: .badRequest)
            }
            return PageRenderer.redirect("/admin/accounts/\(target.account.id)/retention?saved=1")
        }
    }

    private func page(_ context: PortalRequestContext, _ target: AdminTarget, notice: String? = nil, error: String? = nil,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let policy = try await RetentionPolicies(database: database).policy(companyID: target.account.id)
        let model = Model(
            tabs: AdminTabs(target, current: "Settings"), settingTabs: SettingsAdminModel.tabLinks(target, current: "Retention"),
            accountID: target.account.id, minDays: policy.minDays, maxDays: policy.maxDays, chosen: policy.chosenDays.map(String.init) ?? "",
            effectiveDays: policy.effectiveDays, metadataDays: policy.effectiveMetadataDays, canChoose: target.may(.changeRetention),
            canSetLimits: target.may(.changeRetention) && target.grant.account.kind == .platform, notice: notice, error: error)
        return try renderer.render("admin/retention", title: "Retention", page: model, context: context, current: "/admin", status: status)
    }
}
