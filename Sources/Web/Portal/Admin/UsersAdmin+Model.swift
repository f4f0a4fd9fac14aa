import PagewireCore

/// The users of a node: the list and the "add user" form (with the one-time password after a creation).
struct UsersAdminModel: Sendable {
    struct Row: Sendable {
        let id: Int64
        let name: String
        let username: String
        let email: String
        let status: String
        let locked: Bool
        let department: String
    }
    struct FreeNumber: Sendable {
        let id: Int64
        let e164: String
    }
    struct Created: Sendable {
        let username: String
        let password: String
    }
    let tabs: AdminTabs
    let accountID: Int64
    let rows: [Row]
    let hasRows: Bool
    let canCreate: Bool
    /// Unassigned numbers of the company a new user can receive on ("No fax number" = outbound only).
    let freeNumbers: [FreeNumber]
    let hasFreeNumbers: Bool
    let created: Created?
    let notice: String?
    let error: String?
}

/// One user: profile, custom fields, status, department, numbers, and the actions the caller may take.
struct UserAdminModel: Sendable {
    struct Option: Sendable {
        let id: Int64
        let name: String
        let selected: Bool
    }
    let tabs: AdminTabs
    let id: Int64
    let name: String
    let username: String
    let email: String
    let phone: String
    let jobTitle: String
    let costCentre: String
    let employeeID: String
    let locked: Bool
    let departments: [Option]
    let numbers: [String]
    let hasNumbers: Bool
    let canEdit: Bool
    let canLock: Bool
    let canDelete: Bool
    let canMove: Bool
    let canWelcome: Bool
    /// The welcome message kinds, the user's effective default selected.
    let welcomeKinds: [WelcomeKind]
    let notice: String?
    let error: String?

    struct WelcomeKind: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }
}

extension UsersAdminModel {
    static func query(_ target: AdminTarget, database: Database, created: Created? = nil, notice: String? = nil,
                      error: String? = nil) async throws -> UsersAdminModel {
        let users = try await UserRepository(database: database).list(under: target.account.id, scope: target.scope)
        let names = Dictionary(try await AccountRepository(database: database).subtree(target.account.scope).map { ($0.id, $0.name) },
                               uniquingKeysWith: { a, _ in a })
        let rows = users.map { u in
            Row(id: u.id, name: u.displayName.isEmpty ? u.email : u.displayName, username: u.username, email: u.email,
                status: u.status.rawValue, locked: u.status == .locked, department: names[u.accountID] ?? "")
        }
        var free: [FreeNumber] = []
        if let companyID = target.account.companyID, target.may(.assignNumber),
           let company = try await AccountRepository(database: database).get(companyID, scope: target.scope) {
            free = try await NumberRepository(database: database).inventory(of: company.id, state: .unassigned, scope: target.scope)
                .map { FreeNumber(id: $0.id, e164: $0.e164) }
        }
        return UsersAdminModel(tabs: AdminTabs(target, current: "Users"), accountID: target.account.id, rows: rows, hasRows: !rows.isEmpty,
                               canCreate: target.may(.createUser), freeNumbers: free, hasFreeNumbers: !free.isEmpty, created: created,
                               notice: notice, error: error)
    }
}

extension UserAdminModel {
    static func query(_ target: AdminTarget, database: Database, notice: String? = nil, error: String? = nil) async throws -> UserAdminModel {
        guard let user = target.user else { throw PortalError.notFound }
        let profile = try await UserRepository(database: database).profile(of: user.id, scope: target.scope)
        // Departments the user may move to: the nodes of their company the caller administers.
        var departments: [Option] = []
        if let companyID = target.account.companyID {
            departments = try await AccountRepository(database: database).subtree(target.scope)
                .filter { $0.companyID == companyID }
                .map { Option(id: $0.id, name: $0.name, selected: $0.id == user.accountID) }
        }
        let numbers = try await NumberRepository(database: database).numbers(ofUser: user.id, scope: target.scope).map(\.e164)
        let welcome = try await SettingsRepository(database: database).effective(Settings.welcomeMessageDefault, forUser: user.id).value
        let kinds: [(WelcomeMessageDefault, String)] = [
            (.none, "No message"), (.welcome, "Welcome message (account information, no password link)"),
            (.welcomeWithCredentials, "Welcome message with credentials (a link to set the password)"),
        ]
        return UserAdminModel(
            tabs: AdminTabs(target, current: "Users"), id: user.id, name: user.displayName, username: user.username, email: user.email,
            phone: profile.phone, jobTitle: profile.jobTitle, costCentre: profile.costCentre, employeeID: profile.employeeID,
            locked: user.status == .locked, departments: departments, numbers: numbers, hasNumbers: !numbers.isEmpty,
            canEdit: target.may(.editUser), canLock: target.may(.lockUser), canDelete: target.may(.deleteUser),
            canMove: target.may(.moveUser) && departments.count > 1, canWelcome: target.may(.sendWelcome),
            welcomeKinds: kinds.map { WelcomeKind(value: $0.0.rawValue, label: $0.1, selected: $0.0 == welcome) }, notice: notice, error: error)
    }
}
