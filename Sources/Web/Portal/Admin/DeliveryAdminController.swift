import Hummingbird
import PagewireCore

/// `/admin/accounts/:account/delivery`: the Delivery settings tab (`DeliverySettings`): where
/// received faxes go at this node — e-mail addresses, an SFTP site, an HTTPS endpoint, the pull
/// API, the company archive — each with where its value comes from, "turn off here" and "reset
/// to inherited".
struct DeliveryAdminController: Sendable {
    let database: Database
    let renderer: PageRenderer
    let delivery: DeliverySettings

    struct Section: Sendable {
        let origin: String
        let overridden: Bool
    }

    struct Choice: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    /// An SFTP site as the form shows it (the route's and the archive's).
    struct SFTPView: Sendable {
        let host: String
        let port: Int
        let username: String
        let credential: String
        let hostKey: String
        let directory: String
        let fileName: String

        init(_ target: InboundSFTPTarget?) {
            host = target?.host ?? ""
            port = target?.port ?? 22
            username = target?.username ?? ""
            switch (target?.hasPassword ?? false, target?.hasPrivateKey ?? false) {
            case (true, _): credential = "A password is stored (not shown)."
            case (_, true): credential = "A private key is stored (not shown)."
            default: credential = ""
            }
            hostKey = target?.hostKeySHA256 ?? ""
            directory = target?.directory ?? ""
            fileName = target?.fileNameTemplate ?? "fax-{date}-{time}-{fax_id}"
        }
    }

    struct Model: Sendable {
        let tabs: AdminTabs
        let settingTabs: [SettingsAdminModel.TabLink]
        let accountID: Int64
        let email: Section
        let emailAddresses: [String]
        let sftp: Section
        let sftpOn: Bool
        let sftpSite: SFTPView
        let https: Section
        let httpsOn: Bool
        let httpsURL: String
        let httpsSecretSet: Bool
        let api: Section
        let apiOn: Bool
        let archive: Section
        let archiveOn: Bool
        let archiveInbound: Bool
        let archiveOutbound: Bool
        let archiveEmail: String
        let archiveSite: SFTPView
        let archiveFileTypes: [Choice]
        let archiveMetadata: [Choice]
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
                    try await delivery.setSFTP(try Self.sftpInput(f, prefix: ""), at: node, scope: scope, by: actor)
                case (.https, "off"):
                    try await delivery.setHTTPS(url: nil, secret: nil, at: node, scope: scope, by: actor)
                case (.https, _):
                    try await delivery.setHTTPS(url: f["url"] ?? "", secret: f["secret"], at: node, scope: scope, by: actor)
                case (.api, _):
                    try await delivery.setAPI(f["api"] == "on", at: node, scope: scope, by: actor)
                case (.archive, "off"):
                    try await delivery.setArchive(nil, at: node, scope: scope, by: actor)
                case (.archive, _):
                    guard let fileType = InboundFileType(rawValue: f["archive_file_type"] ?? "pdf"),
                          let metadata = FaxMetadataFormat(rawValue: f["archive_metadata"] ?? "none") else {
                        throw DeliverySettings.Invalid(description: "Choose a file type and a metadata format from the lists.")
                    }
                    let site = (f["archive_host"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty ? nil : try Self.sftpInput(f, prefix: "archive_")
                    try await delivery.setArchive(DeliverySettings.ArchiveInput(
                        inbound: f["archive_inbound"] == "on", outbound: f["archive_outbound"] == "on", email: f["archive_email"], sftp: site,
                        fileType: fileType, metadata: metadata), at: node, scope: scope, by: actor)
                }
            } catch let error as DeliverySettings.Invalid {
                return try await page(context, target, error: error.description, status: .badRequest)
            }
            return PageRenderer.redirect("/admin/accounts/\(node)/delivery?saved=1")
        }
    }

    /// The SFTP fields of the form, named with `prefix` (the archive's start with `archive_`).
    static func sftpInput(_ f: FormData, prefix: String) throws -> DeliverySettings.SFTPInput {
        guard let port = Int((f[prefix + "port"] ?? "22").trimmingCharacters(in: .whitespaces)) else {
            throw DeliverySettings.Invalid(description: "The SFTP port is a number from 1 to 65535.")
        }
        return DeliverySettings.SFTPInput(
            host: f[prefix + "host"] ?? "", port: port, username: f[prefix + "username"] ?? "", password: f[prefix + "password"],
            privateKey: f[prefix + "private_key"], hostKeySHA256: f[prefix + "host_key"] ?? "", directory: f[prefix + "directory"] ?? "",
            fileNameTemplate: f[prefix + "file_name"] ?? "")
    }

    private func page(_ context: PortalRequestContext, _ target: AdminTarget, notice: String? = nil, error: String? = nil,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let e = try await delivery.effective(at: target.account.id, scope: target.scope)
        var origins = SettingOriginText(node: target.account.id, scope: target.scope, database: database)
        func section(_ origin: SettingOrigin) async throws -> Section {
            let (text, overridden) = try await origins.describe(origin)
            return Section(origin: text, overridden: overridden)
        }
        let archive = e.archive.value
        var addresses = e.emailAddresses.value
        while addresses.count < 3 { addresses.append("") }
        let model = Model(
            tabs: AdminTabs(target, current: "Settings"), settingTabs: SettingsAdminModel.tabLinks(target, current: "Delivery"),
            accountID: target.account.id,
            email: try await section(e.emailAddresses.origin), emailAddresses: addresses,
            sftp: try await section(e.sftp.origin), sftpOn: e.sftp.value != nil, sftpSite: SFTPView(e.sftp.value),
            https: try await section(e.https.origin), httpsOn: e.https.value != nil, httpsURL: e.https.value?.url ?? "",
            httpsSecretSet: !(e.https.value?.secret ?? "").isEmpty,
            api: try await section(e.api.origin), apiOn: e.api.value,
            archive: try await section(e.archive.origin), archiveOn: archive != nil, archiveInbound: archive?.inbound ?? true,
            archiveOutbound: archive?.outbound ?? false, archiveEmail: archive?.email ?? "", archiveSite: SFTPView(archive?.sftp),
            archiveFileTypes: [("pdf", "PDF"), ("tiff", "TIFF"), ("tiff_hires", "TIFF (high resolution)")].map {
                Choice(value: $0.0, label: $0.1, selected: $0.0 == (archive?.fileType ?? .pdf).rawValue)
            },
            archiveMetadata: [("none", "None"), ("xml", "XML"), ("json", "JSON")].map {
                Choice(value: $0.0, label: $0.1, selected: $0.0 == (archive?.metadata ?? FaxMetadataFormat.none).rawValue)
            },
            canChange: target.may(.changeDelivery), notice: notice, error: error)
        return try renderer.render("admin/delivery", title: "Delivery", page: model, context: context, current: "/admin", status: status)
    }
}
