import PagewireCore

/// The administrators of a node and below, with their rights, and the "add administrator" form
/// with the rights checklist of the Concord guide.
struct AdminsAdminModel: Sendable {
    struct RightOption: Sendable {
        let value: String
        let label: String
        let checked: Bool
    }
    struct Row: Sendable {
        let userID: Int64
        let name: String
        let username: String
        let node: String
        let rights: [RightOption]
        let canEdit: Bool
    }
    let tabs: AdminTabs
    let accountID: Int64
    let rows: [Row]
    let hasRows: Bool
    let checklist: [RightOption]
    let canManage: Bool
    let created: UsersAdminModel.Created?
    let notice: String?
    let error: String?
}

extension AdminRight {
    /// The label of the rights checklist.
    var label: String {
        switch self {
        case .readOnly: "Read only access"
        case .faxPool: "Fax pool management (view and export numbers)"
        case .faxPoolInventory: "Add fax number inventory"
        case .settings: "Can access settings"
        case .manageUsers: "Add and edit users and administrators"
        case .reports: "Can access reports"
        case .viewSecurityPolicy: "Can access security policy"
        case .manageSecurityPolicy: "Manage security policy"
        case .viewHeaderFooter: "Can access inbound header/footer settings"
        case .manageHeaderFooter: "Manage inbound header/footer settings"
        case .viewEmergencyContacts: "Can access emergency contacts settings"
        case .manageEmergencyContacts: "Manage emergency contacts settings"
        case .manageBlocklist: "Manage outbound blocklist"
        case .changeOwnPassword: "Change password (self)"
        case .apps: "Apps and workflow identity"
        }
    }
}

extension AdminsAdminModel {
    static func query(_ target: AdminTarget, database: Database, created: UsersAdminModel.Created? = nil, notice: String? = nil,
                      error: String? = nil) async throws -> AdminsAdminModel {
        let rows = try await database.query(
            """
            SELECT g.user_id, g.rights, u.username, u.display_name, u.email, a.name AS node_name
            FROM admin_grants g JOIN users u ON u.id = g.user_id JOIN accounts a ON a.id = g.account_id
            WHERE a.path LIKE ? ORDER BY a.path, u.username
            """, target.account.scope.pathPattern)
        let canManage = target.may(.manageAdmins)
        let callerID = target.grant.userID
        let admins = try rows.map { row in
            let rights = Set(String(try row.get("rights", as: String.self)).split(separator: ",").compactMap { AdminRight(rawValue: String($0)) })
            let userID: Int64 = try row.get("user_id")
            let name: String = try row.get("display_name")
            return Row(userID: userID, name: name.isEmpty ? try row.get("email") : name, username: try row.get("username"),
                       node: try row.get("node_name"),
                       rights: AdminRight.allCases.map { RightOption(value: $0.rawValue, label: $0.label, checked: rights.contains($0)) },
                       canEdit: canManage && userID != callerID)
        }
        let checklist = AdminRight.allCases.map { RightOption(value: $0.rawValue, label: $0.label, checked: $0 != .readOnly && target.grant.rights.contains($0)) }
        return AdminsAdminModel(tabs: AdminTabs(target, current: "Administrators"), accountID: target.account.id, rows: admins, hasRows: !admins.isEmpty,
                                checklist: checklist, canManage: canManage, created: created, notice: notice, error: error)
    }
}
