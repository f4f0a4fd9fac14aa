import Hummingbird

/// One administration route and the operation (so the right) it performs.
struct AdminRoute: Sendable, CustomStringConvertible {
    enum Surface: String, Sendable { case portal, api }

    /// What the route's path names: the node, user or number it acts on (`:account`, `:user`,
    /// `:number`, `:trunk`), or nothing (the caller's own top node).
    enum Target: Sendable { case account, user, number, trunk, caller }

    let surface: Surface
    let method: HTTPRequest.Method
    /// The path as registered (portal: absolute; API: relative to `/v1`).
    let path: String
    let operation: AdminOperation

    var target: Target {
        if path.contains(":user") { return .user }
        if path.contains(":number") { return .number }
        if path.contains(":trunk") { return .trunk }
        if path.contains(":account") { return .account }
        return .caller
    }

    var description: String { "\(surface.rawValue) \(method.rawValue) \(path) (\(operation.rawValue))" }
}

/// Every administration route of the portal and of `/v1`, with the operation it performs.
///
/// Controllers register their handlers through `AdminPortalRoutes`/`AdminAPIRoutes`, which look
/// the route up here and refuse (at start-up) a route that is not listed; the rights-and-isolation
/// matrix test walks this table, so a new admin route is tested the moment it is listed.
enum AdminRoutes {
    static let all: [AdminRoute] = portal + api

    static let portal: [AdminRoute] = [
        // account tree
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account", operation: .viewTree),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/departments", operation: .addDepartment),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/rename", operation: .renameAccount),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/delete", operation: .deleteDepartment),
        // users
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/users", operation: .viewUsers),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/users", operation: .createUser),
        .init(surface: .portal, method: .get, path: "/admin/users/:user", operation: .viewUsers),
        .init(surface: .portal, method: .post, path: "/admin/users/:user", operation: .editUser),
        .init(surface: .portal, method: .post, path: "/admin/users/:user/lock", operation: .lockUser),
        .init(surface: .portal, method: .post, path: "/admin/users/:user/unlock", operation: .lockUser),
        .init(surface: .portal, method: .post, path: "/admin/users/:user/delete", operation: .deleteUser),
        .init(surface: .portal, method: .post, path: "/admin/users/:user/move", operation: .moveUser),
        .init(surface: .portal, method: .post, path: "/admin/users/:user/welcome", operation: .sendWelcome),
        // administrators
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/admins", operation: .viewAdmins),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/admins", operation: .manageAdmins),
        .init(surface: .portal, method: .post, path: "/admin/users/:user/rights", operation: .manageAdmins),
        // settings tabs, security policy, blocklist
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/settings", operation: .viewSettings),
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/settings/:tab", operation: .viewSettings),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/settings/:tab", operation: .changeSettings),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/settings/:tab/reset", operation: .changeSettings),
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/retention", operation: .viewRetention),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/retention", operation: .changeRetention),
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/security", operation: .viewSecurityPolicy),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/security", operation: .changeSecurityPolicy),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/security/reset", operation: .changeSecurityPolicy),
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/blocklist", operation: .viewBlocklist),
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/blocklist.csv", operation: .viewBlocklist),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/blocklist", operation: .changeBlocklist),
        // usage report (cost centre, employee id)
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/reports", operation: .viewUsageReport),
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/reports.csv", operation: .viewUsageReport),
        // inbound delivery routes
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/delivery", operation: .viewDelivery),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/delivery", operation: .changeDelivery),
        // numbers
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/numbers", operation: .viewNumbers),
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/numbers.csv", operation: .exportNumbers),
        .init(surface: .portal, method: .post, path: "/admin/numbers/:number/assign", operation: .assignNumber),
        .init(surface: .portal, method: .post, path: "/admin/numbers/:number/unassign", operation: .assignNumber),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/numbers/request", operation: .requestNumbers),
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/numbers/new", operation: .requestNumbers),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/numbers/take", operation: .requestNumbers),
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/pool", operation: .viewPool),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/pool/import", operation: .importPool),
        // trunks (operator and resellers)
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/trunks", operation: .viewTrunks),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/trunks", operation: .manageTrunks),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/trunks/order", operation: .manageTrunks),
        .init(surface: .portal, method: .get, path: "/admin/trunks/:trunk", operation: .viewTrunks),
        .init(surface: .portal, method: .post, path: "/admin/trunks/:trunk", operation: .manageTrunks),
        .init(surface: .portal, method: .post, path: "/admin/trunks/:trunk/delete", operation: .manageTrunks),
        .init(surface: .portal, method: .post, path: "/admin/trunks/:trunk/check", operation: .manageTrunks),
        // single sign-on (companies)
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/sso", operation: .viewSSO),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/sso", operation: .changeSSO),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/sso/delete", operation: .changeSSO),
        // security policy templates, emergency contacts, header/footer stamp, cover page templates
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/security/template", operation: .changeSecurityPolicy),
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/contacts", operation: .viewEmergencyContacts),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/contacts", operation: .changeEmergencyContacts),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/contacts/reset", operation: .changeEmergencyContacts),
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/stamp", operation: .viewHeaderFooter),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/stamp", operation: .changeHeaderFooter),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/stamp/reset", operation: .changeHeaderFooter),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/stamp/preview", operation: .viewHeaderFooter),
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/stamp/preview.png", operation: .viewHeaderFooter),
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/coverpages", operation: .viewCoverPages),
        .init(surface: .portal, method: .get, path: "/admin/accounts/:account/coverpages/download", operation: .viewCoverPages),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/coverpages", operation: .manageCoverPages),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/coverpages/rename", operation: .manageCoverPages),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/coverpages/delete", operation: .manageCoverPages),
        .init(surface: .portal, method: .post, path: "/admin/accounts/:account/coverpages/default", operation: .manageCoverPages),
    ]

    static let api: [AdminRoute] = [
        .init(surface: .api, method: .get, path: "accounts/:account", operation: .viewTree),
        .init(surface: .api, method: .post, path: "accounts/:account/departments", operation: .addDepartment),
        .init(surface: .api, method: .patch, path: "accounts/:account", operation: .renameAccount),
        .init(surface: .api, method: .delete, path: "accounts/:account", operation: .deleteDepartment),
        .init(surface: .api, method: .get, path: "accounts/:account/settings", operation: .viewSettings),
        .init(surface: .api, method: .put, path: "accounts/:account/settings/:key", operation: .changeSettings),
        .init(surface: .api, method: .delete, path: "accounts/:account/settings/:key", operation: .changeSettings),
        .init(surface: .api, method: .get, path: "accounts/:account/usage", operation: .viewUsageReport),
        .init(surface: .api, method: .get, path: "accounts/:account/inbound-delivery", operation: .viewDelivery),
        .init(surface: .api, method: .put, path: "accounts/:account/inbound-delivery", operation: .changeDelivery),
        .init(surface: .api, method: .delete, path: "accounts/:account/inbound-delivery", operation: .changeDelivery),
        .init(surface: .api, method: .get, path: "accounts/:account/admins", operation: .viewAdmins),
        .init(surface: .api, method: .put, path: "users/:user/rights", operation: .manageAdmins),
        .init(surface: .api, method: .get, path: "users", operation: .viewUsers),
        .init(surface: .api, method: .get, path: "accounts/:account/users", operation: .viewUsers),
        .init(surface: .api, method: .post, path: "accounts/:account/users", operation: .createUser),
        .init(surface: .api, method: .get, path: "users/:user", operation: .viewUsers),
        .init(surface: .api, method: .patch, path: "users/:user", operation: .editUser),
        .init(surface: .api, method: .delete, path: "users/:user", operation: .deleteUser),
        .init(surface: .api, method: .post, path: "users/:user/lock", operation: .lockUser),
        .init(surface: .api, method: .post, path: "users/:user/unlock", operation: .lockUser),
        .init(surface: .api, method: .post, path: "users/:user/move", operation: .moveUser),
        .init(surface: .api, method: .post, path: "users/:user/welcome", operation: .sendWelcome),
        .init(surface: .api, method: .get, path: "accounts/:account/numbers", operation: .viewNumbers),
        .init(surface: .api, method: .post, path: "numbers/:number/assign", operation: .assignNumber),
        .init(surface: .api, method: .post, path: "accounts/:account/numbers/request", operation: .requestNumbers),
        .init(surface: .api, method: .get, path: "accounts/:account/pool", operation: .viewPool),
        .init(surface: .api, method: .post, path: "accounts/:account/pool", operation: .importPool),
        .init(surface: .api, method: .get, path: "accounts/:account/trunks", operation: .viewTrunks),
        .init(surface: .api, method: .post, path: "accounts/:account/trunks", operation: .manageTrunks),
        .init(surface: .api, method: .put, path: "accounts/:account/trunks/order", operation: .manageTrunks),
        .init(surface: .api, method: .patch, path: "trunks/:trunk", operation: .manageTrunks),
        .init(surface: .api, method: .delete, path: "trunks/:trunk", operation: .manageTrunks),
        .init(surface: .api, method: .post, path: "trunks/:trunk/check", operation: .manageTrunks),
        .init(surface: .api, method: .get, path: "accounts/:account/sso", operation: .viewSSO),
        .init(surface: .api, method: .put, path: "accounts/:account/sso", operation: .changeSSO),
        .init(surface: .api, method: .delete, path: "accounts/:account/sso", operation: .changeSSO),
        .init(surface: .api, method: .get, path: "accounts/:account/security-policy", operation: .viewSecurityPolicy),
        .init(surface: .api, method: .put, path: "accounts/:account/security-policy", operation: .changeSecurityPolicy),
        .init(surface: .api, method: .delete, path: "accounts/:account/security-policy", operation: .changeSecurityPolicy),
        .init(surface: .api, method: .get, path: "accounts/:account/emergency-contacts", operation: .viewEmergencyContacts),
        .init(surface: .api, method: .put, path: "accounts/:account/emergency-contacts", operation: .changeEmergencyContacts),
        .init(surface: .api, method: .delete, path: "accounts/:account/emergency-contacts", operation: .changeEmergencyContacts),
        .init(surface: .api, method: .get, path: "accounts/:account/stamp", operation: .viewHeaderFooter),
        .init(surface: .api, method: .put, path: "accounts/:account/stamp", operation: .changeHeaderFooter),
        .init(surface: .api, method: .delete, path: "accounts/:account/stamp", operation: .changeHeaderFooter),
        .init(surface: .api, method: .post, path: "accounts/:account/stamp/preview", operation: .viewHeaderFooter),
        .init(surface: .api, method: .get, path: "accounts/:account/coverpages", operation: .viewCoverPages),
        .init(surface: .api, method: .post, path: "accounts/:account/coverpages", operation: .manageCoverPages),
        .init(surface: .api, method: .patch, path: "accounts/:account/coverpages/:coverpage", operation: .manageCoverPages),
        .init(surface: .api, method: .delete, path: "accounts/:account/coverpages/:coverpage", operation: .manageCoverPages),
    ]

    /// The route registered at `method path` on `surface`; a handler for an unlisted route is a
    /// programming error, stopped at start-up.
    static func route(_ surface: AdminRoute.Surface, _ method: HTTPRequest.Method, _ path: String) -> AdminRoute {
        guard let route = all.first(where: { $0.surface == surface && $0.method == method && $0.path == path }) else {
            preconditionFailure("admin route \(surface) \(method) \(path) is not listed in AdminRoutes")
        }
        return route
    }
}
