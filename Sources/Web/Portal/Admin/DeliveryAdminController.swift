import Hummingbird
import PagewireCore

/// `/admin/accounts/:account/delivery`: the Delivery settings tab (`DeliverySettings`): where
/// received faxes go at this node — e-mail addresses, an SFTP site, an HTTPS endpoint, the pull
/// API — each with where its value comes from, "turn off here" and "reset to inherited".
struct DeliveryAdminController: Sendable {
    let database: Database
    let renderer: PageRenderer
    let delivery: DeliverySettings

    struct Section: Sendable {
        let origin: String
        let overridden: Bool
    }

    struct Model: Sendable {
        let tabs: AdminTabs
        let settingTabs: [SettingsAdminModel.TabLink]
        let accountID: Int64
        let email: Section
        let emailAddresses: [String]
        let sftp: Section
        let sftpOn: Bool
        let sftpHost: String
        let sftpPort: Int
        let sftpUsername: String
        let sftpCredential: String
        let sftpHostKey: String
        let sftpDirectory: String
        let sftpFileName: String
        let https: Section
        let httpsOn: Bool
        let httpsURL: String
        let httpsSecretSet: Bool
        let api: Section
        let apiOn: Bool
        let canChange: Bool
        let notice: String?
        let error: String?
    }

    func addRoutes(to routes: AdminPortalRoutes) {
        routes.get("/admin/accounts/:account/delivery") { request, context, target in
            try await page(context, target, notice: request.uri.queryParameters["saved"] != nil ? "Saved." : nil)
        }
        routes.post("/admin/accounts/:account/delivery") { _, context, target in
            let f = context.form
            let actor: AuditActor = context.session.map { .user($0.user.id, label: $0.user.username, ip: context.remoteAddress) } ?? .system("portal")
            guard let section = f["section"].flatMap(DeliverySettings.Section.init(rawValue:)) else {
                return try await page(context, target, error: "Choose what to change: e-mail, SFTP, HTTPS or the inbound API.", status: .badRequest)
            }
            let node = target.account.id, scope = target.scope
            do {
                switch (section, f["intent"] ?? "save") {
                case (_, "reset"):
                    try await delivery.reset(section, at: node, scope: scope, by: actor)
                case (.email, _):
                    try await delivery.setEmailAddresses(f.all("email_address"), at: node, scope: scope, by: actor)
                case (.sftp, "off"):
                    try await delivery.setSFTP(nil, at: node, scope: scope, by: actor)
                case (.sftp, _):
                    guard let port = Int((f["port"] ?? "22").trimmingCharacters(in: .whitespaces)) else {
                        throw DeliverySettings.Invalid(description: "The SFTP port is a number from 1 to 65535.")
                    }
                    try await delivery.setSFTP(DeliverySettings.SFTPInput(
                        host: f["host"] ?? "", port: port, username: f["username"] ?? "", password: f["password"], privateKey: f["private_key"],
                        hostKeySHA256: f["host_key"] ?? "", directory: f["directory"] ?? "", fileNameTemplate: f["file_name"] ?? ""),
                        at: node, scope: scope, by: actor)
                case (.https, "off"):
                    try await delivery.setHTTPS(url: nil, secret: nil, at: node, scope: scope, by: actor)
                case (.https, _):
                    try await delivery.setHTTPS(url: f["url"] ?? "", secret: f["secret"], at: node, scope: scope, by: actor)
                case (.api, _):
                    try await delivery.setAPI(f["api"] == "on", at: node, scope: scope, by: actor)
                }
            } catch let error as DeliverySettings.Invalid {
                return try await page(context, target, error: error.description, status: .badRequest)
            }
            return PageRenderer.redirect("/admin/accounts/\(node)/delivery?saved=1")
        }
    }

    private func page(_ context: PortalRequestContext, _ target: AdminTarget, notice: String? = nil, error: String? = nil,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let e = try await delivery.effective(at: target.account.id, scope: target.scope)
        var origins = SettingOriginText(node: target.account.id, scope: target.scope, database: database)
        func section(_ origin: SettingOrigin) async throws -> Section {
            let (text, overridden) = try await origins.describe(origin)
            return Section(origin: text, overridden: overridden)
        }
        let sftp = e.sftp.value
        let credential: String
        switch (!(sftp?.password ?? "").isEmpty, !(sftp?.privateKey ?? "").isEmpty) {
        case (true, _): credential = "A password is stored (not shown)."
        case (_, true): credential = "A private key is stored (not shown)."
        default: credential = ""
        }
        var addresses = e.emailAddresses.value
        while addresses.count < 3 { addresses.append("") }
        let model = Model(
            tabs: AdminTabs(target, current: "Settings"), settingTabs: SettingsAdminModel.tabLinks(target, current: "Delivery"),
            accountID: target.account.id,
            email: try await section(e.emailAddresses.origin), emailAddresses: addresses,
            sftp: try await section(e.sftp.origin), sftpOn: sftp != nil, sftpHost: sftp?.host ?? "", sftpPort: sftp?.port ?? 22,
            sftpUsername: sftp?.username ?? "", sftpCredential: credential, sftpHostKey: sftp?.hostKeySHA256 ?? "",
            sftpDirectory: sftp?.directory ?? "", sftpFileName: sftp?.fileNameTemplate ?? "fax-{date}-{time}-{fax_id}",
            https: try await section(e.https.origin), httpsOn: e.https.value != nil, httpsURL: e.https.value?.url ?? "",
            httpsSecretSet: !(e.https.value?.secret ?? "").isEmpty,
            api: try await section(e.api.origin), apiOn: e.api.value,
            canChange: target.may(.changeDelivery), notice: notice, error: error)
        return try renderer.render("admin/delivery", title: "Delivery", page: model, context: context, current: "/admin", status: status)
    }
}
