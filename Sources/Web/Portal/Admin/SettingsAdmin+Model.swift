import PagewireCore

/// One settings tab at a node: every field with its effective value, where it comes from
/// (platform default, set here, or inherited from a named level), and reset-to-inherited.
struct SettingsAdminModel: Sendable {
    struct TabLink: Sendable {
        let href: String
        let label: String
        let current: Bool
    }
    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }
    struct Field: Sendable {
        let id: String
        let label: String
        let isSelect: Bool
        let isCheckbox: Bool
        let isNumber: Bool
        let isText: Bool
        let value: String
        let checked: Bool
        let options: [Option]
        let origin: String
        let overridden: Bool
        /// Shown on the first field of a key overridden at this node.
        let resetKey: String?
    }
    let tabs: AdminTabs
    let settingTabs: [TabLink]
    let title: String
    let action: String
    let fields: [Field]
    let canChange: Bool
    let notice: String?
    let error: String?
    /// The Custom tab's inbound header/footer section, for callers with the header/footer right.
    var stamp: StampAdminModel? = nil
    /// The Security tab's templates, for callers who may change the policy.
    var securityTemplates: [SecurityTemplateOption] = []
    var hasSecurityTemplates = false
    /// False when the caller sees the tab only for a section (the header/footer) and not its settings.
    var showsFields = true
}

/// A security policy template the Security tab can load (`SecurityPolicyTemplate`).
struct SecurityTemplateOption: Sendable {
    let id: String
    let name: String
    let summary: String
}

extension SettingsAdminModel {
    /// The links to the settings tabs the caller may open on this node.
    static func tabLinks(_ target: AdminTarget, current: String) -> [TabLink] {
        let id = target.account.id
        var links: [TabLink] = []
        if target.may(.viewSettings) {
            links += SettingsTab.allCases.filter { !$0.isSecurity }.map {
                TabLink(href: "/admin/accounts/\(id)/settings/\($0.rawValue)", label: $0.title, current: $0.title == current)
            }
        } else if target.may(.viewHeaderFooter) {
            // The Custom tab with only its header/footer section.
            links.append(TabLink(href: "/admin/accounts/\(id)/stamp", label: SettingsTab.custom.title, current: current == SettingsTab.custom.title))
        }
        if target.may(.viewCoverPages) {
            links.append(TabLink(href: "/admin/accounts/\(id)/coverpages", label: "Cover page templates", current: current == "Cover page templates"))
        }
        if target.may(.viewDelivery) { links.append(TabLink(href: "/admin/accounts/\(id)/delivery", label: "Delivery and archive", current: current == "Delivery")) }
        if target.account.kind == .company, target.may(.viewRetention) {
            links.append(TabLink(href: "/admin/accounts/\(id)/retention", label: "Retention", current: current == "Retention"))
        }
        if target.may(.viewSecurityPolicy) { links.append(TabLink(href: "/admin/accounts/\(id)/security", label: "Security", current: current == "Security")) }
        if target.may(.viewBlocklist) { links.append(TabLink(href: "/admin/accounts/\(id)/blocklist", label: "Blocklist", current: current == "Blocklist")) }
        if target.account.kind == .company, target.may(.viewSSO) {
            links.append(TabLink(href: "/admin/accounts/\(id)/sso", label: "Single sign-on", current: current == "Single sign-on"))
        }
        if target.may(.viewEmergencyContacts) {
            links.append(TabLink(href: "/admin/accounts/\(id)/contacts", label: "Emergency contacts", current: current == "Emergency contacts"))
        }
        return links
    }

    static func query(_ tab: SettingsTab, _ target: AdminTarget, database: Database, canChange: Bool, action: String,
                      notice: String? = nil, error: String? = nil, showsFields: Bool = true) async throws -> SettingsAdminModel {
        let settings = SettingsRepository(database: database)
        let node = target.account
        var origins = SettingOriginText(node: node.id, scope: target.scope, database: database)
        var seenKeys = Set<String>()
        var fields: [Field] = []
        for field in showsFields ? tab.fields(at: node.kind) : [] {
            let (value, origin) = try await field.read(settings, node.id, target.scope)
            let (originText, overridden) = try await origins.describe(origin)
            let firstOfKey = seenKeys.insert(field.keyName).inserted
            var options: [Option] = []
            if case .select(let choices) = field.input {
                options = choices.map { Option(value: $0.value, label: $0.label, selected: $0.value == value) }
            }
            fields.append(Field(
                id: field.id, label: field.label, isSelect: !options.isEmpty, isCheckbox: field.input == .checkbox,
                isNumber: field.input == .number, isText: field.input == .text, value: value, checked: value == "on", options: options,
                origin: originText, overridden: overridden, resetKey: overridden && firstOfKey && canChange ? field.keyName : nil))
        }
        return SettingsAdminModel(
            tabs: AdminTabs(target, current: "Settings"), settingTabs: tabLinks(target, current: tab.title), title: tab.title,
            action: action, fields: fields, canChange: canChange && showsFields, notice: notice, error: error, showsFields: showsFields)
    }
}

/// The outbound blocklist of a node: search, add or paste numbers, remove, export.
struct BlocklistAdminModel: Sendable {
    let tabs: AdminTabs
    let settingTabs: [SettingsAdminModel.TabLink]
    let accountID: Int64
    let search: String
    let numbers: [String]
    let hasNumbers: Bool
    let total: Int
    let origin: String
    let canChange: Bool
    let notice: String?
    let error: String?
}
