import Foundation
import Hummingbird
import PagewireCore

/// `/admin/accounts/:account/sso` (companies): the company's single sign-on through its own
/// OpenID Connect provider — the guide's Federation tab. Viewing needs the "view security policy"
/// right, changing it "manage security policy"; the client secret is write-only.
struct SSOAdminController: Sendable {
    let database: Database
    let renderer: PageRenderer
    let admin: SSOConnectionAdmin

    struct Model: Sendable {
        struct Department: Sendable {
            let id: Int64
            let name: String
        }
        let tabs: AdminTabs
        let settingTabs: [SettingsAdminModel.TabLink]
        let accountID: Int64
        let configured: Bool
        let issuer: String
        let clientID: String
        let scopes: String
        let emailDomains: String
        let claimEmail: String
        let claimName: String
        let claimGroups: String
        let groupDepartments: String
        let groupRights: String
        let rightNames: String
        let jit: Bool
        let ssoOnly: Bool
        let enabled: Bool
        let departments: [Department]
        let hasDepartments: Bool
        let redirectURIs: [String]
        let postLogoutRedirectURIs: [String]
        let canChange: Bool
        let notice: String?
        let error: String?
    }

    func addRoutes(to routes: AdminPortalRoutes) {
        routes.get("/admin/accounts/:account/sso") { request, context, target in
            let q = request.uri.queryParameters
            let notice = q["saved"] != nil ? "Saved: the provider's discovery document checks out." : q["removed"] != nil ? "Single sign-on removed." : nil
            return try await page(context, target, form: nil, notice: notice)
        }
        routes.post("/admin/accounts/:account/sso") { _, context, target in
            let f = context.form
            let actor: AuditActor = context.session.map { .user($0.user.id, label: $0.user.username, ip: context.remoteAddress) } ?? .system("portal")
            let departments = try await departments(of: target)
            guard let issuer = f["issuer"], let clientID = f["client_id"] else {
                return try await page(context, target, form: f, error: "Enter the provider's issuer URL and Pagewire's client id there.", status: .badRequest)
            }
            // "IdP group = Department name", one per line
            var mapping: [String: Int64] = [:]
            for line in (f["group_departments"] ?? "").split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty else {
                    if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                    return try await page(context, target, form: f, error: "Write each group mapping as: IdP group = Department name.", status: .badRequest)
                }
                let matches = departments.filter { $0.name.caseInsensitiveCompare(parts[1]) == .orderedSame || String($0.id) == parts[1] }
                guard matches.count == 1 else {
                    return try await page(context, target, form: f, error: "No single department of the company is called “\(parts[1].prefix(60))”.", status: .badRequest)
                }
                mapping[parts[0]] = matches[0].id
            }
            // "IdP group = right, right", one per line
            var rights: [String: [AdminRight]] = [:]
            for line in (f["group_rights"] ?? "").split(whereSeparator: \.isNewline) where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                let names = parts.count == 2 ? parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } : []
                let parsed = names.compactMap(AdminRight.init(rawValue:))
                guard parts.count == 2, !parts[0].isEmpty, !parsed.isEmpty, parsed.count == names.count else {
                    return try await page(context, target, form: f, error: "Write each group's rights as: IdP group = right, right (rights as listed).", status: .badRequest)
                }
                rights[parts[0], default: []] += parsed
            }
            let connection = OIDCConnection(
                companyID: target.account.id, issuer: issuer.trimmingCharacters(in: .whitespaces), clientID: clientID.trimmingCharacters(in: .whitespaces),
                scopes: (f["scopes"] ?? "").split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init),
                emailDomains: (f["email_domains"] ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0.isNewline }).map(String.init),
                emailClaim: Self.orDefault(f["claim_email"], "email"), nameClaim: Self.orDefault(f["claim_name"], "name"),
                groupsClaim: Self.orDefault(f["claim_groups"], "groups"), groupDepartments: mapping, groupRights: rights,
                justInTimeUsers: f["jit"] == "on", ssoOnly: f["sso_only"] == "on", enabled: f["enabled"] == "on")
            let secret = f["client_secret"].flatMap { $0.isEmpty ? nil : $0 }
            do {
                _ = try await admin.save(connection, clientSecret: secret, scope: target.scope, actor: actor, grantable: target.grant.rights)
            } catch let failure as SSOConnectionAdmin.Failure {
                if failure == .notFound { throw PortalError.notFound }
                let message = failure.message.prefix(1).uppercased() + failure.message.dropFirst() + "."
                return try await page(context, target, form: f, error: message, status: .unprocessableContent)
            }
            return PageRenderer.redirect("/admin/accounts/\(target.account.id)/sso?saved=1")
        }
        routes.post("/admin/accounts/:account/sso/delete") { _, context, target in
            let actor: AuditActor = context.session.map { .user($0.user.id, label: $0.user.username, ip: context.remoteAddress) } ?? .system("portal")
            try await admin.connections.delete(companyID: target.account.id, scope: target.scope, actor: actor)
            return PageRenderer.redirect("/admin/accounts/\(target.account.id)/sso?removed=1")
        }
    }

    static func orDefault(_ value: String?, _ fallback: String) -> String {
        let trimmed = value?.trimmingCharacters(in: .whitespaces) ?? ""
        return trimmed.isEmpty ? fallback : trimmed
    }

    private func departments(of target: AdminTarget) async throws -> [Model.Department] {
        try await AccountRepository(database: database).subtree(target.account.scope)
            .filter { $0.kind == .department }.map { Model.Department(id: $0.id, name: $0.name) }
    }

    /// The page, showing the stored connection, or the submitted form again with an error.
    private func page(_ context: PortalRequestContext, _ target: AdminTarget, form: FormData?, notice: String? = nil, error: String? = nil,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let stored = try await admin.connections.get(companyID: target.account.id, scope: target.scope)
        let departments = try await departments(of: target)
        let names = Dictionary(departments.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let c = stored ?? OIDCConnection(companyID: target.account.id, issuer: "", clientID: "", emailDomains: [], enabled: true)
        func value(_ name: String, _ storedValue: String) -> String { form.map { $0[name] ?? "" } ?? storedValue }
        func checked(_ name: String, _ storedValue: Bool) -> Bool { form.map { $0[name] == "on" } ?? storedValue }
        let mapping = c.groupDepartments.sorted { $0.key < $1.key }.map { "\($0.key) = \(names[$0.value] ?? String($0.value))" }.joined(separator: "\n")
        let model = Model(
            tabs: AdminTabs(target, current: "Settings"), settingTabs: SettingsAdminModel.tabLinks(target, current: "Single sign-on"),
            accountID: target.account.id, configured: stored != nil,
            issuer: value("issuer", c.issuer), clientID: value("client_id", c.clientID), scopes: value("scopes", c.scopes.joined(separator: " ")),
            emailDomains: value("email_domains", c.emailDomains.joined(separator: ", ")),
            claimEmail: value("claim_email", c.emailClaim), claimName: value("claim_name", c.nameClaim), claimGroups: value("claim_groups", c.groupsClaim),
            groupDepartments: value("group_departments", mapping),
            groupRights: value("group_rights", c.groupRights.sorted { $0.key < $1.key }
                .map { "\($0.key) = " + $0.value.map(\.rawValue).sorted().joined(separator: ", ") }.joined(separator: "\n")),
            rightNames: target.grant.rights.map(\.rawValue).sorted().joined(separator: ", "),
            jit: checked("jit", c.justInTimeUsers), ssoOnly: checked("sso_only", c.ssoOnly), enabled: checked("enabled", c.enabled),
            departments: departments, hasDepartments: !departments.isEmpty,
            redirectURIs: try await admin.redirectURIs(company: target.account),
            postLogoutRedirectURIs: try await admin.postLogoutRedirectURIs(company: target.account),
            canChange: target.may(.changeSSO), notice: notice, error: error)
        return try renderer.render("admin/sso", title: "Single sign-on", page: model, context: context, current: "/admin", status: status)
    }
}
