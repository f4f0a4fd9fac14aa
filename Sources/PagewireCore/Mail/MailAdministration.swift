import Foundation

/// What administrators manage for e-mail to fax: the fax domains of the companies in their
/// subtree and the registered sending addresses of its users. The portal and `/v1` both go
/// through here, so the rights are checked in one place.
///
/// Rights (the Concord guide's administrator rights): fax domains are company settings
/// (`settings` to change; `settings` or `read_only` to see); sending addresses belong to users
/// (`manage_users` to change; `manage_users` or `read_only` to see). A node outside every grant
/// of the admin reads as not found; a node inside a grant that lacks the right is forbidden.
public struct MailAdministration: Sendable {
    /// Where everything lives.
    public let database: Database

    /// The service over `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Why a request was refused.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        /// Unknown, or outside the admin's subtree: deliberately the same.
        case notFound
        /// Inside the admin's subtree, but the grant lacks the right.
        case forbidden(AdminRight)
        /// The input cannot be used (bad domain, taken address, …); the text is for the admin.
        case invalid(String)
        /// The domain or address is already in use.
        case taken(String)

        public var description: String {
            switch self {
            case .notFound: "not found"
            case .forbidden(let right): "this needs the '\(right.rawValue)' administrator right"
            case .invalid(let reason), .taken(let reason): reason
            }
        }
    }

    /// A fax domain with the name of its company, for listings.
    public struct DomainEntry: Sendable, Equatable {
        /// Lower-case domain name.
        public let domain: String
        /// The company it belongs to.
        public let companyID: Int64
        /// That company's name.
        public let companyName: String
    }

    /// A user with their registered sending addresses, for listings.
    public struct SenderEntry: Sendable, Equatable {
        /// The user.
        public let user: User
        /// Their registered addresses (their own e-mail address always counts too).
        public let addresses: [String]
        /// Whether the admin asking may add and remove addresses (not read-only).
        public var changeable: Bool = false
    }

    // MARK: - Access

    /// The admin's grants; view needs `right` or read-only, change needs `right` without read-only.
    private func grant(_ adminID: Int64, on target: Account, right: AdminRight, change: Bool) async throws -> AdminGrant {
        let grants = try await UserRepository(database: database).grants(of: adminID).filter { $0.account.scope.contains(target) }
        guard !grants.isEmpty else { throw Refusal.notFound }
        let fitting = grants.first { g in
            change ? g.allows(right, on: target) : (g.rights.contains(right) || g.rights.contains(.readOnly))
        }
        guard let fitting else { throw Refusal.forbidden(right) }
        return fitting
    }

    /// The grants of an admin that may see `right`'s data: their scopes, widest first, without nesting.
    private func viewScopes(_ adminID: Int64, right: AdminRight) async throws -> [AccountScope] {
        let grants = try await UserRepository(database: database).grants(of: adminID)
            .filter { $0.rights.contains(right) || $0.rights.contains(.readOnly) }
            .sorted { $0.account.path.count < $1.account.path.count }
        var scopes: [AccountScope] = []
        for g in grants where !scopes.contains(where: { $0.contains(g.account) }) { scopes.append(g.account.scope) }
        return scopes
    }

    /// Whether the user administers anything with `right` (to show or hide admin pages).
    public func canView(_ right: AdminRight, adminID: Int64) async throws -> Bool {
        try await !viewScopes(adminID, right: right).isEmpty
    }

    private func account(_ id: Int64) async throws -> Account {
        guard let account = try await database.withConnection({ try AccountRepository.fetch($0, id: id, scope: nil) }) else {
            throw Refusal.notFound
        }
        return account
    }

    private func user(_ id: Int64) async throws -> (User, Account) {
        guard let user = try await database.withConnection({ try UserRepository.fetch($0, id: id, scope: nil) }) else { throw Refusal.notFound }
        return (user, try await account(user.accountID))
    }

    // MARK: - Fax domains

    /// The companies an admin may add fax domains to (the `settings` right, not read-only).
    public func companies(adminID: Int64) async throws -> [Account] {
        var out: [Account] = []
        for grant in try await UserRepository(database: database).grants(of: adminID) where grant.allows(.settings, on: grant.account) {
            for account in try await AccountRepository(database: database).subtree(grant.account.scope)
            where account.kind == .company && !out.contains(where: { $0.id == account.id }) {
                out.append(account)
            }
        }
        return out.sorted { $0.name.localizedCaseInsensitiveCompare($1.name) == .orderedAscending }
    }

    /// Fax domains of every company the admin may see; with `companyID`, of that company only.
    public func domains(adminID: Int64, companyID: Int64? = nil) async throws -> [DomainEntry] {
        let scopes: [AccountScope]
        if let companyID {
            let company = try await account(companyID)
            _ = try await grant(adminID, on: company, right: .settings, change: false)
            guard company.kind == .company else { throw Refusal.notFound }
            scopes = [company.scope]
        } else {
            scopes = try await viewScopes(adminID, right: .settings)
        }
        var out: [DomainEntry] = []
        for scope in scopes {
            out += try await database.query(
                """
                SELECT d.domain, d.company_id, a.name FROM fax_domains d JOIN accounts a ON a.id = d.company_id
                WHERE a.path LIKE ? ORDER BY d.domain
                """,
                scope.pathPattern
            ).map { DomainEntry(domain: try $0.get("domain"), companyID: try $0.get("company_id"), companyName: try $0.get("name")) }
        }
        return out
    }

    /// Makes `domain` a fax domain of the company `companyID`.
    @discardableResult
    public func addDomain(_ domain: String, companyID: Int64, by actor: AuditActor) async throws -> FaxDomain {
        let company = try await account(companyID)
        let g = try await grant(try actorID(actor), on: company, right: .settings, change: true)
        guard company.kind == .company else { throw Refusal.invalid("fax domains belong to companies; pick a company") }
        do {
            let added = try await FaxDomainRepository(database: database).add(domain, companyID: companyID, scope: g.account.scope)
            try await AuditLog(database: database).record(
                accountID: companyID, actor: actor, action: .settingsChange, targetType: "fax_domain", targetID: added.domain, detail: "added")
            return added
        } catch let error as FaxDomainRepository.DomainError {
            if case .taken = error { throw Refusal.taken(error.description) }
            throw Refusal.invalid(error.description)
        }
    }

    /// Removes a fax domain of a company the admin may change.
    public func removeDomain(_ domain: String, by actor: AuditActor) async throws {
        guard let name = FaxDomainRepository.normalise(domain),
              let found = try await FaxDomainRepository(database: database).lookupAny(name) else { throw Refusal.notFound }
        let company = try await account(found.companyID)
        let g = try await grant(try actorID(actor), on: company, right: .settings, change: true)
        guard try await FaxDomainRepository(database: database).remove(name, scope: g.account.scope) else { throw Refusal.notFound }
        try await AuditLog(database: database).record(
            accountID: company.id, actor: actor, action: .settingsChange, targetType: "fax_domain", targetID: name, detail: "removed")
    }

    // MARK: - Sending addresses

    /// Users the admin may see (`manage_users` or read-only) with their sending addresses, at most `limit`.
    public func senders(adminID: Int64, limit: Int = 500) async throws -> [SenderEntry] {
        var out: [SenderEntry] = []
        for scope in try await viewScopes(adminID, right: .manageUsers) where out.count < limit {
            let rows = try await database.query(
                """
                SELECT \(User.columns), GROUP_CONCAT(s.address ORDER BY s.address SEPARATOR ' ') AS addresses
                FROM users u JOIN accounts a ON a.id = u.account_id LEFT JOIN user_sending_addresses s ON s.user_id = u.id
                WHERE a.path LIKE ? GROUP BY u.id ORDER BY u.email LIMIT ?
                """,
                scope.pathPattern, limit - out.count)
            out += try rows.map { row in
                let addresses = try row.optional("addresses", as: String.self)?.split(separator: " ").map(String.init) ?? []
                return SenderEntry(user: try User(row: row), addresses: addresses)
            }
        }
        return out
    }

    /// One user (inside the admin's view) and their registered addresses.
    public func sender(_ userID: Int64, adminID: Int64) async throws -> SenderEntry {
        let (user, account) = try await user(userID)
        let g = try await grant(adminID, on: account, right: .manageUsers, change: false)
        var entry = SenderEntry(user: user, addresses: try await SendingAddressRepository(database: database).list(userID: userID, scope: g.account.scope))
        entry.changeable = try await UserRepository(database: database).grants(of: adminID).contains { $0.allows(.manageUsers, on: account) }
        return entry
    }

    /// Registers `address` for the user `userID`.
    public func addAddress(_ address: String, userID: Int64, by actor: AuditActor) async throws {
        let (_, account) = try await user(userID)
        let g = try await grant(try actorID(actor), on: account, right: .manageUsers, change: true)
        try await SendingAddressRepository.register(address, userID: userID, account: account, scope: g.account.scope, database: database, actor: actor)
    }

    /// Removes a registered address of the user `userID`.
    public func removeAddress(_ address: String, userID: Int64, by actor: AuditActor) async throws {
        let (_, account) = try await user(userID)
        let g = try await grant(try actorID(actor), on: account, right: .manageUsers, change: true)
        try await SendingAddressRepository.unregister(address, userID: userID, account: account, scope: g.account.scope, database: database, actor: actor)
    }

    // MARK: - A user's own addresses (profile)

    /// The addresses `userID` registered for themselves (or an admin registered for them).
    public func ownAddresses(userID: Int64) async throws -> [String] {
        let (_, account) = try await user(userID)
        return try await SendingAddressRepository(database: database).list(userID: userID, scope: account.scope)
    }

    /// Registers an address for the signed-in user themselves (audited).
    public func addOwnAddress(_ address: String, userID: Int64, by actor: AuditActor) async throws {
        let (_, account) = try await user(userID)
        try await SendingAddressRepository.register(address, userID: userID, account: account, scope: account.scope, database: database, actor: actor)
    }

    /// Removes one of the signed-in user's own registered addresses (audited).
    public func removeOwnAddress(_ address: String, userID: Int64, by actor: AuditActor) async throws {
        let (_, account) = try await user(userID)
        try await SendingAddressRepository.unregister(address, userID: userID, account: account, scope: account.scope, database: database, actor: actor)
    }

    /// The fax domains of a user's company (where their e-mails go).
    public func companyDomains(userID: Int64) async throws -> [String] {
        let (_, account) = try await user(userID)
        guard let companyID = account.kind == .company ? account.id : account.companyID else { return [] }
        return try await database.query("SELECT domain FROM fax_domains WHERE company_id = ? ORDER BY domain", companyID).map { try $0.get("domain") }
    }

    private func actorID(_ actor: AuditActor) throws -> Int64 {
        guard let id = actor.userID else { throw Refusal.notFound }
        return id
    }
}

extension SendingAddressRepository {
    /// Registers an address (audited), turning the repository's errors into refusals for people.
    static func register(_ address: String, userID: Int64, account: Account, scope: AccountScope, database: Database, actor: AuditActor) async throws {
        do {
            try await SendingAddressRepository(database: database).add(address, userID: userID, scope: scope)
        } catch let error as SendingAddressRepository.AddressError {
            throw MailAdministration.Refusal.taken(error.description)
        } catch let error as AccountError where error != .notFound {
            throw MailAdministration.Refusal.invalid(error.description)
        }
        try await AuditLog(database: database).record(
            accountID: account.id, actor: actor, action: .settingsChange, targetType: "sending_address", targetID: "\(userID)",
            detail: "added \(SendingAddressRepository.normalise(address))")
    }

    /// Removes an address (audited); an address the user does not have is not found.
    static func unregister(_ address: String, userID: Int64, account: Account, scope: AccountScope, database: Database, actor: AuditActor) async throws {
        guard try await SendingAddressRepository(database: database).remove(address, userID: userID, scope: scope) else {
            throw MailAdministration.Refusal.notFound
        }
        try await AuditLog(database: database).record(
            accountID: account.id, actor: actor, action: .settingsChange, targetType: "sending_address", targetID: "\(userID)",
            detail: "removed \(SendingAddressRepository.normalise(address))")
    }
}
