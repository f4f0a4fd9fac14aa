import Hummingbird
import PagewireCore

/// The administration area of the portal (`/admin/…`): the account tree, users, numbers. Every
/// route goes through `AdminPortalRoutes`, so through the rights check of `AdminAuthorizer`.
struct AdminPortal: Sendable {
    let database: Database
    let renderer: PageRenderer
    /// The platform transit keys, which wrap trunk passwords and seal delivery credentials.
    let transit: TransitKeyring

    func addRoutes(to router: Router<PortalRequestContext>) {
        let authorizer = AdminAuthorizer(database: database)
        // The entrance reads no tenant data: it sends an admin to the first page their rights
        // open on their highest node (users without a grant get 403).
        router.get("/admin") { _, context -> Response in
            let session = try context.requireSession()
            for operation in [AdminOperation.viewTree, .viewUsers, .viewNumbers, .viewSettings, .viewSecurityPolicy, .viewBlocklist, .viewAdmins, .viewTrunks, .viewPool,
                              .viewUsageReport, .viewHeaderFooter, .viewEmergencyContacts] {
                guard let target = try? await authorizer.authorize(operation, userID: session.user.id, reference: .caller) else { continue }
                return PageRenderer.redirect(AdminTabs.href(operation, target.account.id))
            }
            throw HTTPError(.forbidden, message: "You are not an administrator.")
        }
        let routes = AdminPortalRoutes(router: router, authorizer: authorizer)
        AccountTreeController(database: database, renderer: renderer).addRoutes(to: routes)
        UsersAdminController(database: database, renderer: renderer).addRoutes(to: routes)
        NumbersAdminController(database: database, renderer: renderer).addRoutes(to: routes)
        NumberPickerController(database: database, renderer: renderer).addRoutes(to: routes)
        AdminsAdminController(database: database, renderer: renderer).addRoutes(to: routes)
        let settingsPages = SettingsAdminController(database: database, renderer: renderer)
        settingsPages.addRoutes(to: routes)
        StampAdminController(database: database, settingsPages: settingsPages).addRoutes(to: routes)
        EmergencyContactsAdminController(database: database, renderer: renderer).addRoutes(to: routes)
        CoverPagesAdminController(database: database, renderer: renderer).addRoutes(to: routes)
        PoolAdminController(database: database, renderer: renderer).addRoutes(to: routes)
        TrunksAdminController(database: database, renderer: renderer, transit: transit).addRoutes(to: routes)
        RetentionAdminController(database: database, renderer: renderer).addRoutes(to: routes)
        UsageReportAdminController(database: database, renderer: renderer).addRoutes(to: routes)
        DeliveryAdminController(database: database, renderer: renderer, delivery: DeliverySettings(database: database, transit: transit)).addRoutes(to: routes)
    }
}

/// The sub-navigation of an admin page: only the pages the caller's rights open on this node.
struct AdminTabs: Sendable {
    struct Tab: Sendable {
        let href: String
        let label: String
        let current: Bool
    }
    let accountName: String
    let accountKind: String
    let tabs: [Tab]

    /// The page of `operation` on node `id` (the entrance's redirect).
    static func href(_ operation: AdminOperation, _ id: Int64) -> String {
        switch operation {
        case .viewUsers: "/admin/accounts/\(id)/users"
        case .viewNumbers: "/admin/accounts/\(id)/numbers"
        case .viewSettings: "/admin/accounts/\(id)/settings/fax"
        case .viewSecurityPolicy: "/admin/accounts/\(id)/security"
        case .viewBlocklist: "/admin/accounts/\(id)/blocklist"
        case .viewAdmins: "/admin/accounts/\(id)/admins"
        case .viewTrunks: "/admin/accounts/\(id)/trunks"
        case .viewPool: "/admin/accounts/\(id)/pool"
        case .viewUsageReport: "/admin/accounts/\(id)/reports"
        case .viewHeaderFooter: "/admin/accounts/\(id)/stamp"
        case .viewEmergencyContacts: "/admin/accounts/\(id)/contacts"
        case .viewCoverPages: "/admin/accounts/\(id)/coverpages"
        default: "/admin/accounts/\(id)"
        }
    }

    init(_ target: AdminTarget, current: String) {
        let id = target.account.id
        var tabs: [Tab] = []
        func add(_ operation: AdminOperation, _ href: String, _ label: String) {
            if target.may(operation) { tabs.append(Tab(href: href, label: label, current: label == current)) }
        }
        add(.viewTree, "/admin/accounts/\(id)", "Account")
        add(.viewUsers, "/admin/accounts/\(id)/users", "Users")
        add(.viewNumbers, "/admin/accounts/\(id)/numbers", "Numbers")
        if AdminOperation.viewPool.targetKinds.contains(target.account.kind) { add(.viewPool, "/admin/accounts/\(id)/pool", "Number pool") }
        if AdminOperation.viewTrunks.targetKinds.contains(target.account.kind) { add(.viewTrunks, "/admin/accounts/\(id)/trunks", "Trunks") }
        add(.viewAdmins, "/admin/accounts/\(id)/admins", "Administrators")
        add(.viewUsageReport, "/admin/accounts/\(id)/reports", "Reports")
        if let first = SettingsAdminModel.tabLinks(target, current: "").first {
            tabs.append(Tab(href: first.href, label: "Settings", current: current == "Settings"))
        }
        accountName = target.account.name
        accountKind = target.account.kind.rawValue
        self.tabs = tabs
    }
}

extension AccountError {
    /// The admin-facing message of a refused change.
    var message: String { description.prefix(1).uppercased() + description.dropFirst() + "." }
}
