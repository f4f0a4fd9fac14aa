import Hummingbird
import PagewireCore

/// The administration area of the portal (`/admin/…`): the account tree, users, numbers. Every
/// route goes through `AdminPortalRoutes`, so through the rights check of `AdminAuthorizer`.
struct AdminPortal: Sendable {
    let database: Database
    let renderer: PageRenderer

    func addRoutes(to router: Router<PortalRequestContext>) {
        let routes = AdminPortalRoutes(router: router, authorizer: AdminAuthorizer(database: database))
        AccountTreeController(database: database, renderer: renderer).addRoutes(to: routes)
        UsersAdminController(database: database, renderer: renderer).addRoutes(to: routes)
        NumbersAdminController(database: database, renderer: renderer).addRoutes(to: routes)
        AdminsAdminController(database: database, renderer: renderer).addRoutes(to: routes)
        SettingsAdminController(database: database, renderer: renderer).addRoutes(to: routes)
        PoolAdminController(database: database, renderer: renderer).addRoutes(to: routes)
        TrunksAdminController(database: database, renderer: renderer).addRoutes(to: routes)
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
