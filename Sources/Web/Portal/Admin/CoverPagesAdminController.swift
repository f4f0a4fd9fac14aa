import Foundation
import Hummingbird
import PagewireCore

/// `/admin/accounts/:account/coverpages`: the cover page templates of a level (the guide's
/// Coverpage tab, "Manage"): upload (or replace) a `.coverpage` file, rename, delete, download,
/// make one the level's default; templates of the levels above and the built-in ones are listed
/// too ("Only my covers" hides them). Behaviour and "restrict to assigned" are on the Cover page tab.
struct CoverPagesAdminController: Sendable {
    let database: Database
    let renderer: PageRenderer

    struct Model: Sendable {
        struct Template: Sendable {
            let id: Int64
            let key: String
            let name: String
            let owner: String
            let updated: String
            let own: Bool
            let isDefault: Bool
        }
        let tabs: AdminTabs
        let settingTabs: [SettingsAdminModel.TabLink]
        let accountID: Int64
        let templates: [Template]
        let own: [Template]
        let hasOwn: Bool
        let onlyMine: Bool
        let defaultName: String
        let defaultOrigin: String
        let restricted: Bool
        let behaviour: String
        let canChange: Bool
        let maxKiB: Int
        let tokens: String
        let logoToken = "{{logo}}"
        let notice: String?
        let error: String?
    }

    func addRoutes(to routes: AdminPortalRoutes) {
        routes.get("/admin/accounts/:account/coverpages") { request, context, target in
            let q = request.uri.queryParameters
            return try await page(context, target, onlyMine: q["only"] == "mine", notice: q["saved"] != nil ? "Saved." : nil)
        }
        routes.get("/admin/accounts/:account/coverpages/download") { request, _, target in
            guard let id = request.uri.queryParameters["id"].flatMap({ Int64(String($0)) }) else {
                throw PortalError.badRequest("Choose a template to download.")
            }
            guard let template = try await CoverPageRepository(database: database).get(id, ownedBy: target.account.id, scope: target.scope) else {
                throw PortalError.notFound
            }
            let file = template.name.map { $0.isLetter || $0.isNumber ? $0 : "-" }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"\(String(file).prefix(60)).coverpage\""],
                            body: .init(byteBuffer: ByteBuffer(string: template.source)))
        }
        // Upload a new template, or replace the text of one (`replace` = its id).
        routes.post("/admin/accounts/:account/coverpages") { _, context, target in
            let f = context.form
            let repository = CoverPageRepository(database: database)
            guard let file = f.file("file") else { return try await page(context, target, error: "Choose a .coverpage file to upload.", status: .badRequest) }
            do {
                if let replace = f["replace"].flatMap(Int64.init) {
                    _ = try await repository.update(replace, ownedBy: target.account.id, name: nil, bytes: file.bytes, scope: target.scope)
                } else {
                    let name = (f["name"] ?? "").isEmpty ? (file.filename as NSString).deletingPathExtension : f["name"] ?? ""
                    _ = try await repository.create(accountID: target.account.id, name: name, bytes: file.bytes, scope: target.scope)
                }
            } catch let error as CoverPageError {
                if error == .notFound { throw PortalError.notFound }
                return try await page(context, target, error: Self.sentence(error), status: .badRequest)
            }
            return PageRenderer.redirect("/admin/accounts/\(target.account.id)/coverpages?saved=1")
        }
        routes.post("/admin/accounts/:account/coverpages/rename") { _, context, target in
            guard let id = context.form["id"].flatMap(Int64.init) else { return try await page(context, target, error: "Choose a template to rename.", status: .badRequest) }
            do {
                _ = try await CoverPageRepository(database: database).update(id, ownedBy: target.account.id, name: context.form["name"] ?? "", bytes: nil, scope: target.scope)
            } catch let error as CoverPageError {
                if error == .notFound { throw PortalError.notFound }
                return try await page(context, target, error: Self.sentence(error), status: .badRequest)
            }
            return PageRenderer.redirect("/admin/accounts/\(target.account.id)/coverpages?saved=1")
        }
        routes.post("/admin/accounts/:account/coverpages/delete") { _, context, target in
            guard let id = context.form["id"].flatMap(Int64.init) else { return try await page(context, target, error: "Choose a template to delete.", status: .badRequest) }
            do {
                try await CoverPageRepository(database: database).delete(id, ownedBy: target.account.id, scope: target.scope)
            } catch CoverPageError.notFound {
                throw PortalError.notFound
            }
            return PageRenderer.redirect("/admin/accounts/\(target.account.id)/coverpages?saved=1")
        }
        // The level's default: a built-in template or one open to this level.
        routes.post("/admin/accounts/:account/coverpages/default") { _, context, target in
            let key = context.form["template"] ?? ""
            let open = try await Self.openTemplates(target, database: database)
            guard open.contains(where: { $0.key == key }) else {
                return try await page(context, target, error: "Choose one of the templates listed as the default.", status: .badRequest)
            }
            try await SettingsRepository(database: database).set(Settings.coverPageTemplate, to: key, atAccount: target.account.id, scope: target.scope,
                                                                 by: actor(context))
            return PageRenderer.redirect("/admin/accounts/\(target.account.id)/coverpages?saved=1")
        }
    }

    /// Built-in templates and those of this level and above: what the level's users may be given.
    static func openTemplates(_ target: AdminTarget, database: Database) async throws -> [(key: String, name: String, page: CoverPage?)] {
        let uploaded = try await CoverPageRepository(database: database).available(toPath: target.account.path)
        return CoverPage.builtIn.map { (key: $0.key, name: $0.name, page: CoverPage?.none) } + uploaded.map { (key: $0.key, name: $0.name, page: Optional($0)) }
    }

    static func sentence(_ error: CoverPageError) -> String {
        let text = error.description
        return text.prefix(1).uppercased() + text.dropFirst() + "."
    }

    private func page(_ context: PortalRequestContext, _ target: AdminTarget, onlyMine: Bool = false, notice: String? = nil, error: String? = nil,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let settings = SettingsRepository(database: database)
        let id = target.account.id
        let assigned = try await settings.effective(Settings.coverPageTemplate, forAccount: id, scope: target.scope)
        let assignedKey = CoverPage.builtInKey(assigned.value) ?? assigned.value
        let restricted = try await settings.effective(Settings.coverPageRestrictToAssigned, forAccount: id, scope: target.scope).value
        let behaviour = try await settings.effective(Settings.coverPageBehaviour, forAccount: id, scope: target.scope).value
        let open = try await Self.openTemplates(target, database: database)
        var owners: [Int64: String] = [:]
        let accounts = AccountRepository(database: database)
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.dateFormat = "yyyy-MM-dd HH:mm"
        format.timeZone = TimeZone(identifier: "UTC")
        var templates: [Model.Template] = []
        for t in open {
            var owner = "Built in"
            if let stored = t.page {
                if owners[stored.accountID] == nil { owners[stored.accountID] = try await accounts.get(stored.accountID, scope: target.scope)?.name ?? "a level above" }
                owner = stored.accountID == id ? "This level" : owners[stored.accountID] ?? ""
            }
            let own = t.page?.accountID == id
            guard !onlyMine || own else { continue }
            templates.append(Model.Template(id: t.page?.id ?? 0, key: t.key, name: t.name, owner: owner,
                                            updated: t.page.map { format.string(from: $0.updatedAt) + " UTC" } ?? "", own: own, isDefault: t.key == assignedKey))
        }
        let defaultName = open.first { $0.key == assignedKey }?.name ?? CoverPage.builtIn[0].name
        let defaultOrigin: String = switch assigned.origin {
        case .platformDefault: "platform default"
        case .user: "set for the user"
        case .account(let from, let kind): from == id ? "set here" : "inherited from the \(kind.rawValue)"
        }
        let own = templates.filter(\.own)
        let model = Model(
            tabs: AdminTabs(target, current: "Settings"), settingTabs: SettingsAdminModel.tabLinks(target, current: "Cover page templates"),
            accountID: id, templates: templates, own: own, hasOwn: !own.isEmpty, onlyMine: onlyMine, defaultName: defaultName,
            defaultOrigin: defaultOrigin, restricted: restricted, behaviour: behaviour.rawValue, canChange: target.may(.manageCoverPages),
            maxKiB: CoverPageSource.maximumBytes / 1024, tokens: CoverPageSource.tokens.map { "{{\($0)}}" }.joined(separator: " "),
            notice: notice, error: error)
        return try renderer.render("admin/coverpages", title: "Cover page templates", page: model, context: context, current: "/admin", status: status)
    }

    private func actor(_ context: PortalRequestContext) -> AuditActor {
        guard let user = context.session?.user else { return .system("portal") }
        return .user(user.id, label: user.username, ip: context.remoteAddress)
    }
}
