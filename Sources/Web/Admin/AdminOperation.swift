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
    // Inbound delivery routes (e-mail, SFTP, HTTPS, pull API)
    case viewDelivery, changeDelivery
    // Reports
    case viewUsageReport
    // Numbers
    case viewNumbers, exportNumbers, assignNumber, requestNumbers, viewPool, importPool
    // Settings
    case viewSettings, changeSettings, viewRetention, changeRetention, viewSecurityPolicy, changeSecurityPolicy, viewBlocklist, changeBlocklist
    // Trunks
    case viewTrunks, manageTrunks
    // Single sign-on (a company's OpenID Connect provider; issue 11): part of the security policy
    case viewSSO, changeSSO
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
        case .viewDelivery, .changeDelivery: .settings
        case .viewUsageReport: .reports
        case .viewSecurityPolicy: .viewSecurityPolicy
        case .changeSecurityPolicy: .manageSecurityPolicy
        case .viewBlocklist: .settings
        case .changeBlocklist: .manageBlocklist
        case .viewTrunks, .manageTrunks: .settings
        case .viewSSO: .viewSecurityPolicy
        case .changeSSO: .manageSecurityPolicy
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
             .viewSecurityPolicy, .viewBlocklist, .viewTrunks, .viewDelivery, .viewUsageReport, .viewSSO,
             .viewEmergencyContacts, .viewHeaderFooter, .viewCoverPages:
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
        case .requestNumbers, .viewRetention, .changeRetention, .viewSSO, .changeSSO: [.company]
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
