import PagewireCore

/// Everything an administrator can do, in the portal and in `/v1` alike, with the right each
/// needs (the Concord "Administrator Rights" checklist) and whether it changes something.
///
/// This is the one place that says which right a route needs: `AdminRoutes` maps every admin
/// route to an operation, and `AdminAuthorizer` checks the caller's grants for it.
enum AdminOperation: String, CaseIterable, Sendable {
    // Account tree
    case viewTree, addDepartment, renameAccount, deleteDepartment
    // Users
    case viewUsers, createUser, editUser, lockUser, deleteUser, moveUser, sendWelcome
    // Admins
    case viewAdmins, manageAdmins
    // Numbers
    case viewNumbers, exportNumbers, assignNumber, requestNumbers, viewPool, importPool
    // Settings
    case viewSettings, changeSettings, viewRetention, changeRetention, viewSecurityPolicy, changeSecurityPolicy, viewBlocklist, changeBlocklist
    // Trunks
    case viewTrunks, manageTrunks
    // Emergency contacts, the inbound header/footer stamp, cover page templates
    case viewEmergencyContacts, changeEmergencyContacts, viewHeaderFooter, changeHeaderFooter, viewCoverPages, manageCoverPages

    /// The right the operation needs on the target's node (through a grant at or above it).
    var right: AdminRight {
        switch self {
        case .viewTree, .addDepartment, .renameAccount, .deleteDepartment: .settings
        case .viewUsers, .createUser, .editUser, .lockUser, .deleteUser, .moveUser, .sendWelcome: .manageUsers
        case .viewAdmins, .manageAdmins: .manageUsers
        case .viewNumbers, .exportNumbers, .assignNumber: .faxPool
        case .requestNumbers, .viewPool, .importPool: .faxPoolInventory
        case .viewSettings, .changeSettings, .viewRetention, .changeRetention: .settings
        case .viewSecurityPolicy: .viewSecurityPolicy
        case .changeSecurityPolicy: .manageSecurityPolicy
        case .viewBlocklist: .settings
        case .changeBlocklist: .manageBlocklist
        case .viewTrunks, .manageTrunks: .settings
        case .viewEmergencyContacts: .viewEmergencyContacts
        case .changeEmergencyContacts: .manageEmergencyContacts
        case .viewHeaderFooter: .viewHeaderFooter
        case .changeHeaderFooter: .manageHeaderFooter
        case .viewCoverPages, .manageCoverPages: .settings
        }
    }

    /// True for operations that change something: a read-only admin may never do them, whatever
    /// else they were granted.
    var changes: Bool {
        switch self {
        case .viewTree, .viewUsers, .viewAdmins, .viewNumbers, .exportNumbers, .viewPool, .viewSettings, .viewRetention,
             .viewSecurityPolicy, .viewBlocklist, .viewTrunks, .viewEmergencyContacts, .viewHeaderFooter, .viewCoverPages:
            false
        default:
            true
        }
    }

    /// The kinds of node the operation applies to; on any other node it does not exist (404).
    var targetKinds: Set<AccountKind> {
        switch self {
        case .addDepartment: [.company, .department]
        case .deleteDepartment: [.department]
        case .requestNumbers, .viewRetention, .changeRetention: [.company]
        case .viewPool, .importPool, .viewTrunks, .manageTrunks: [.platform, .reseller]
        default: Set(AccountKind.allCases)
        }
    }

    /// Whether `grant` lets its holder do this operation on `target`.
    func permitted(by grant: AdminGrant, on target: Account) -> Bool {
        guard grant.allows(right, on: target) else { return false }
        return !(changes && grant.rights.contains(.readOnly))
    }
}
