/// The administrator rights of the Concord admin guide ("Administrator Rights"): what an admin
/// may see and change at their node and below.
public enum AdminRight: String, Sendable, Codable, CaseIterable {
    /// Sees settings and reports per the other rights, changes nothing.
    case readOnly = "read_only"
    /// Views and exports the fax number pool.
    case faxPool = "fax_pool"
    /// Adds fax number inventory.
    case faxPoolInventory = "fax_pool_inventory"
    /// Views and edits settings at the node and below.
    case settings
    /// Adds and edits users and admins.
    case manageUsers = "manage_users"
    /// Activity reports, month-end billing, stored outbound images.
    case reports
    case viewSecurityPolicy = "view_security_policy"
    case manageSecurityPolicy = "manage_security_policy"
    case viewHeaderFooter = "view_header_footer"
    case manageHeaderFooter = "manage_header_footer"
    case viewEmergencyContacts = "view_emergency_contacts"
    case manageEmergencyContacts = "manage_emergency_contacts"
    /// Edits the outbound blocklist.
    case manageBlocklist = "manage_blocklist"
    /// Changes their own password.
    case changeOwnPassword = "change_own_password"
    /// Registers API apps and workflow identity.
    case apps

    /// Rights that change something, withheld from a read-only admin whatever else is granted.
    public var isChange: Bool {
        switch self {
        case .faxPoolInventory, .settings, .manageUsers, .manageSecurityPolicy, .manageHeaderFooter,
             .manageEmergencyContacts, .manageBlocklist, .apps:
            true
        case .readOnly, .faxPool, .reports, .viewSecurityPolicy, .viewHeaderFooter, .viewEmergencyContacts, .changeOwnPassword:
            false
        }
    }

    /// Every right: what the first admin of a new account gets.
    public static let all = Set(AdminRight.allCases).subtracting([.readOnly])
}

/// Admin rights over one node of the tree (and so its subtree).
public struct AdminGrant: Sendable, Equatable {
    public let userID: Int64
    public let account: Account
    public let rights: Set<AdminRight>

    /// Whether the grant allows `right` for a node in `target`'s position.
    public func allows(_ right: AdminRight, on target: Account) -> Bool {
        guard account.scope.contains(target), rights.contains(right) else { return false }
        if right.isChange && rights.contains(.readOnly) { return false }
        return true
    }

    static func encode(_ rights: Set<AdminRight>) -> String {
        rights.map(\.rawValue).sorted().joined(separator: ",")
    }

    static func decode(_ text: String) -> Set<AdminRight> {
        Set(text.split(separator: ",").compactMap { AdminRight(rawValue: String($0)) })
    }
}
