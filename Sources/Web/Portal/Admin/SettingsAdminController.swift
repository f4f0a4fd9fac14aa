import Hummingbird
import PagewireCore

/// The settings tabs of a node (`/admin/accounts/:account/settings/:tab`, `/security`,
/// `/blocklist`): effective values with their origin, override, reset to inherited. Changes
/// are resolved at read time, so every existing user below sees them at once.
struct SettingsAdminController: Sendable {
    let database: Database
    let renderer: PageRenderer

    func addRoutes(to routes: AdminPortalRoutes) {
        routes.get("/admin/accounts/:account/settings") { _, _, target in
            PageRenderer.redirect("/admin/accounts/\(target.account.id)/settings/fax")
        }
        routes.get("/admin/accounts/:account/settings/:tab") { request, context, target in
            let tab = try Self.tab(context)
            return try await page(tab, context, target, notice: request.uri.queryParameters["saved"] != nil ? "Saved." : nil)
        }
        routes.post("/admin/accounts/:account/settings/:tab") { _, context, target in
            try await save(try Self.tab(context), context, target)
        }
        routes.post("/admin/accounts/:account/settings/:tab/reset") { _, context, target in
            try await reset(try Self.tab(context), context, target)
        }
        routes.get("/admin/accounts/:account/security") { request, context, target in
            try await page(.security, context, target, notice: request.uri.queryParameters["saved"] != nil ? "Saved." : nil)
        }
        routes.post("/admin/accounts/:account/security") { _, context, target in
            try await save(.security, context, target)
        }
        routes.post("/admin/accounts/:account/security/reset") { _, context, target in
            try await reset(.security, context, target)
        }
        // A template fills every field of the policy at this level in one action; the admin may adjust it afterwards.
        routes.post("/admin/accounts/:account/security/template") { _, context, target in
            guard let template = context.form["template"].flatMap(SecurityPolicyTemplate.named) else {
                return try await page(.security, context, target, error: "Choose a security policy template.", status: .badRequest)
            }
            try await SettingsRepository(database: database).set(Settings.securityPolicy, to: template.policy, atAccount: target.account.id,
                                                                 scope: target.scope, by: actor(context))
            return PageRenderer.redirect(base(.security, target) + "?saved=1")
        }
        routes.get("/admin/accounts/:account/blocklist") { request, context, target in
            let q = request.uri.queryParameters
            return try await blocklist(context, target, search: q["q"].map(String.init) ?? "",
                                       notice: q["saved"] != nil ? "Blocklist saved." : nil)
        }
        routes.get("/admin/accounts/:account/blocklist.csv") { _, _, target in
            let list = try await SettingsRepository(database: database).effective(Settings.outboundBlocklist, forAccount: target.account.id, scope: target.scope).value
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"blocklist.csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: "number\r\n" + list.map { $0 + "\r\n" }.joined())))
        }
        routes.post("/admin/accounts/:account/blocklist") { _, context, target in
            let f = context.form
            let settings = SettingsRepository(database: database)
            var list = try await settings.effective(Settings.outboundBlocklist, forAccount: target.account.id, scope: target.scope).value
            // Pasted numbers: one per line, or separated by commas, semicolons or spaces between numbers.
            var bad: [String] = []
            for piece in (f["add"] ?? "").split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "," || $0 == ";" }) {
                let text = piece.trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { continue }
                guard let number = try? E164Number(parsing: text).value else { bad.append(text); continue }
                if !list.contains(number) { list.append(number) }
            }
            guard bad.isEmpty else {
                return try await blocklist(context, target, search: "", error: "Not fax numbers (nothing was saved): " + bad.joined(separator: ", "), status: .badRequest)
            }
            let remove = Set(f.all("remove"))
            list.removeAll { remove.contains($0) }
            do {
                try await settings.set(Settings.outboundBlocklist, to: list.sorted(), atAccount: target.account.id, scope: target.scope, by: actor(context))
            } catch let error as SettingsError {
                return try await blocklist(context, target, search: "", error: error.description, status: .badRequest)
            }
            return PageRenderer.redirect("/admin/accounts/\(target.account.id)/blocklist?saved=1")
        }
    }

    static func tab(_ context: PortalRequestContext) throws -> SettingsTab {
        guard let tab = context.parameters.get("tab").flatMap(SettingsTab.init(rawValue:)), !tab.isSecurity else { throw PortalError.notFound }
        return tab
    }

    private func actor(_ context: PortalRequestContext) -> AuditActor {
        guard let user = context.session?.user else { return .system("portal") }
        return .user(user.id, label: user.username, ip: context.remoteAddress)
    }

    private func base(_ tab: SettingsTab, _ target: AdminTarget) -> String {
        tab.isSecurity ? "/admin/accounts/\(target.account.id)/security" : "/admin/accounts/\(target.account.id)/settings/\(tab.rawValue)"
    }

    private func save(_ tab: SettingsTab, _ context: PortalRequestContext, _ target: AdminTarget) async throws -> Response {
        let settings = SettingsRepository(database: database)
        do {
            for field in tab.fields(at: target.account.kind) {
                _ = try await field.write(settings, context.form[field.id], target.account.id, target.scope, actor(context))
            }
        } catch let error as SettingField.Invalid {
            return try await page(tab, context, target, error: error.description, status: .badRequest)
        } catch let error as SettingsError {
            return try await page(tab, context, target, error: error.description, status: .badRequest)
        }
        return PageRenderer.redirect(base(tab, target) + "?saved=1")
    }

    private func reset(_ tab: SettingsTab, _ context: PortalRequestContext, _ target: AdminTarget) async throws -> Response {
        let settings = SettingsRepository(database: database)
        let key = context.form["key"] ?? ""
        guard let field = tab.fields(at: target.account.kind).first(where: { $0.keyName == key }) else {
            return try await page(tab, context, target, error: "Choose a setting to reset.", status: .badRequest)
        }
        try await field.reset(settings, target.account.id, target.scope, actor(context))
        return PageRenderer.redirect(base(tab, target) + "?saved=1")
    }

    /// The page of `tab`; the Custom tab carries the header/footer section (with `stampDraft`, unsaved
    /// values to preview) when the caller has that right, the Security tab its templates.
    func page(_ tab: SettingsTab, _ context: PortalRequestContext, _ target: AdminTarget, notice: String? = nil, error: String? = nil,
              status: HTTPResponse.Status = .ok, stampDraft: StampAdminModel.Draft? = nil, stampError: String? = nil) async throws -> Response {
        let canChange = target.may(tab.isSecurity ? .changeSecurityPolicy : .changeSettings)
        let showsFields = target.may(tab.isSecurity ? .viewSecurityPolicy : .viewSettings)
        var model = try await SettingsAdminModel.query(tab, target, database: database, canChange: canChange, action: base(tab, target),
                                                       notice: notice, error: error, showsFields: showsFields)
        if tab == .custom, target.may(.viewHeaderFooter) {
            model.stamp = try await StampAdminModel.query(target, database: database, draft: stampDraft, error: stampError)
        }
        if tab == .security, target.may(.changeSecurityPolicy) {
            model.securityTemplates = SecurityPolicyTemplate.builtIn.map { SecurityTemplateOption(id: $0.id, name: $0.name, summary: $0.summary) }
            model.hasSecurityTemplates = true
        }
        return try renderer.render("admin/settings", title: "\(tab.title) settings", page: model, context: context, current: "/admin", status: status)
    }

    private func blocklist(_ context: PortalRequestContext, _ target: AdminTarget, search: String, notice: String? = nil, error: String? = nil,
                           status: HTTPResponse.Status = .ok) async throws -> Response {
        let resolved = try await SettingsRepository(database: database).effective(Settings.outboundBlocklist, forAccount: target.account.id, scope: target.scope)
        let digits = search.filter(\.isNumber)
        let shown = digits.isEmpty ? resolved.value : resolved.value.filter { $0.contains(digits) }
        let origin: String = switch resolved.origin {
        case .platformDefault: "Platform default (empty)"
        case .account(let id, let kind): id == target.account.id ? "Set here" : "Inherited from the \(kind.rawValue)"
        case .user: "Set for the user"
        }
        let model = BlocklistAdminModel(
            tabs: AdminTabs(target, current: "Settings"), settingTabs: SettingsAdminModel.tabLinks(target, current: "Blocklist"),
            accountID: target.account.id, search: search, numbers: shown, hasNumbers: !shown.isEmpty, total: resolved.value.count,
            origin: origin, canChange: target.may(.changeBlocklist), notice: notice, error: error)
        return try renderer.render("admin/blocklist", title: "Blocklist", page: model, context: context, current: "/admin", status: status)
    }
}
