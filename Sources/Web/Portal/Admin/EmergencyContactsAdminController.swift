import Hummingbird
import PagewireCore

/// `/admin/accounts/:account/contacts`: the level's emergency contacts (the guide's Contacts
/// tab), up to three, inherited like every setting, behind the emergency contacts rights.
/// The form has one row per contact (`name_1`, `email_1`, `phone_1`, `role_1`, …); a blank row
/// removes that contact.
struct EmergencyContactsAdminController: Sendable {
    let database: Database
    let renderer: PageRenderer

    struct Model: Sendable {
        struct Row: Sendable {
            let n: Int
            let name: String
            let email: String
            let phone: String
            let role: String
        }
        let tabs: AdminTabs
        let settingTabs: [SettingsAdminModel.TabLink]
        let accountID: Int64
        let contacts: [EmergencyContact]
        let hasContacts: Bool
        let rows: [Row]
        let origin: String
        let resettable: Bool
        let canChange: Bool
        let notice: String?
        let error: String?
    }

    func addRoutes(to routes: AdminPortalRoutes) {
        routes.get("/admin/accounts/:account/contacts") { request, context, target in
            try await page(context, target, notice: request.uri.queryParameters["saved"] != nil ? "Emergency contacts saved." : nil)
        }
        routes.post("/admin/accounts/:account/contacts") { _, context, target in
            let (contacts, problem) = Self.contacts(in: context.form)
            if let problem { return try await page(context, target, draft: contacts, error: problem, status: .badRequest) }
            do {
                try await SettingsRepository(database: database).set(Settings.emergencyContacts, to: contacts, atAccount: target.account.id,
                                                                     scope: target.scope, by: actor(context))
            } catch let error as SettingsError {
                return try await page(context, target, draft: contacts, error: Self.sentence(error.description), status: .badRequest)
            }
            return PageRenderer.redirect("/admin/accounts/\(target.account.id)/contacts?saved=1")
        }
        routes.post("/admin/accounts/:account/contacts/reset") { _, context, target in
            try await SettingsRepository(database: database).reset(Settings.emergencyContacts, atAccount: target.account.id, scope: target.scope, by: actor(context))
            return PageRenderer.redirect("/admin/accounts/\(target.account.id)/contacts?saved=1")
        }
    }

    /// The contacts of the submitted rows (blank rows skipped), normalised, and the first reason to refuse them.
    static func contacts(in form: FormData) -> ([EmergencyContact], String?) {
        var contacts: [EmergencyContact] = []
        var n = 1
        // Rows are numbered from 1; a form may carry more rows than the three the page shows.
        while n <= 20 {
            let fields = ["name", "email", "phone", "role"].map { (form["\($0)_\(n)"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
            n += 1
            guard fields.contains(where: { !$0.isEmpty }) else { continue }
            contacts.append(EmergencyContact(name: fields[0], email: fields[1], phone: fields[2], role: fields[3]).normalized())
        }
        if contacts.count > EmergencyContact.maximum {
            return (contacts, "At most three emergency contacts: remove one before adding another (\(contacts.count) were given).")
        }
        return (contacts, contacts.lazy.compactMap(\.problem).first.map(sentence))
    }

    static func sentence(_ text: String) -> String {
        let body = text.hasPrefix("contacts.emergency: ") ? String(text.dropFirst("contacts.emergency: ".count)) : text
        return body.prefix(1).uppercased() + body.dropFirst() + "."
    }

    private func page(_ context: PortalRequestContext, _ target: AdminTarget, draft: [EmergencyContact]? = nil, notice: String? = nil,
                      error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let resolved = try await SettingsRepository(database: database).effective(Settings.emergencyContacts, forAccount: target.account.id, scope: target.scope)
        let origin: String
        var resettable = false
        switch resolved.origin {
        case .platformDefault: origin = "None set at any level"
        case .user: origin = "Set for the user"
        case .account(let id, let kind):
            if id == target.account.id {
                origin = "Set here"
                resettable = true
            } else {
                let name = try await AccountRepository(database: database).get(id, scope: target.scope)?.name ?? ""
                origin = "Inherited from the \(kind.rawValue)" + (name.isEmpty ? "" : " \(name)")
            }
        }
        let shown = draft ?? resolved.value
        let rows = (1...max(EmergencyContact.maximum, shown.count)).map { n in
            let c = n <= shown.count ? shown[n - 1] : nil
            return Model.Row(n: n, name: c?.name ?? "", email: c?.email ?? "", phone: c?.phone ?? "", role: c?.role ?? "")
        }
        let canChange = target.may(.changeEmergencyContacts)
        let model = Model(
            tabs: AdminTabs(target, current: "Settings"), settingTabs: SettingsAdminModel.tabLinks(target, current: "Emergency contacts"),
            accountID: target.account.id, contacts: resolved.value, hasContacts: !resolved.value.isEmpty, rows: rows, origin: origin,
            resettable: resettable && canChange, canChange: canChange, notice: notice, error: error)
        return try renderer.render("admin/contacts", title: "Emergency contacts", page: model, context: context, current: "/admin", status: status)
    }

    private func actor(_ context: PortalRequestContext) -> AuditActor {
        guard let user = context.session?.user else { return .system("portal") }
        return .user(user.id, label: user.username, ip: context.remoteAddress)
    }
}
