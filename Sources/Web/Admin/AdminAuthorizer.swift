import Hummingbird
import PagewireCore

/// What an authorized admin request acts on: the node (and the user or number named by the
/// path), and the grant that allowed it, whose subtree scopes every query of the handler.
struct AdminTarget: Sendable {
    let account: Account
    let grant: AdminGrant
    let user: User?
    let number: FaxNumber?
    /// The trunk named by the path (its owner is `account`).
    let trunkID: Int64?
    /// Every grant of the caller (pages show only what these allow).
    let grants: [AdminGrant]

    /// The caller's part of the tree for this request.
    var scope: AccountScope { grant.account.scope }

    /// Whether the caller may also do `operation` on this target (to show or hide page parts).
    func may(_ operation: AdminOperation) -> Bool {
        grants.contains { operation.permitted(by: $0, on: account) }
    }
}

/// Why an admin request was refused.
enum AdminDenial: Error, Equatable {
    /// The target is inside the caller's subtree, but no grant there has the right (403).
    case forbidden(AdminOperation)
    /// The target is outside every subtree the caller administers, or does not exist (404):
    /// the two are deliberately the same answer.
    case notFound
}

/// The one check every admin route goes through: find the target inside the subtrees the caller
/// administers (else 404), then require a grant there that permits the operation (else 403).
struct AdminAuthorizer: Sendable {
    let users: UserRepository
    let accounts: AccountRepository
    let numbers: NumberRepository
    let trunks: TrunkRepository
    let audit: AuditLog

    init(database: Database) {
        audit = AuditLog(database: database)
        trunks = TrunkRepository(database: database)
        users = UserRepository(database: database)
        accounts = AccountRepository(database: database)
        numbers = NumberRepository(database: database)
    }

    /// What a route's path names, read from its parameters.
    enum Reference: Sendable, Equatable {
        case caller
        case account(Int64)
        case user(Int64)
        case number(Int64)
        case trunk(Int64)
    }

    /// Records a change an admin route made (one row per successful change, the operation in
    /// the detail); reads are not logged.
    func recordChange(_ route: AdminRoute, target: AdminTarget, reference: Reference, actor: AuditActor) async throws {
        let (type, id): (String, String) = switch reference {
        case .caller: ("account", String(target.account.id))
        case .account(let id): ("account", String(id))
        case .user(let id): ("user", String(id))
        case .number(let id): ("number", String(id))
        case .trunk(let id): ("trunk", String(id))
        }
        try await audit.record(accountID: target.account.id, actor: actor, action: .adminChange, targetType: type, targetID: id,
                               detail: "\(route.operation.rawValue) (\(route.surface.rawValue) \(route.method.rawValue) \(route.path))")
    }

    static func reference(for route: AdminRoute, parameters: Parameters) throws(AdminDenial) -> Reference {
        func id(_ name: String) throws(AdminDenial) -> Int64 {
            guard let text = parameters.get(name), let value = Int64(text), value > 0 else { throw .notFound }
            return value
        }
        switch route.target {
        case .caller: return .caller
        case .account: return .account(try id("account"))
        case .user: return .user(try id("user"))
        case .number: return .number(try id("number"))
        case .trunk: return .trunk(try id("trunk"))
        }
    }

    func authorize(_ operation: AdminOperation, userID: Int64, reference: Reference) async throws -> AdminTarget {
        // Highest grants first: the widest subtree decides, as in the session's scope.
        let grants = try await users.grants(of: userID).sorted { $0.account.path.count < $1.account.path.count }
        guard let top = grants.first else { throw AdminDenial.forbidden(operation) }
        var account: Account?
        var user: User?
        var number: FaxNumber?
        for grant in grants {
            let scope = grant.account.scope
            switch reference {
            case .caller:
                account = top.account
            case .account(let id):
                account = try await accounts.get(id, scope: scope)
            case .user(let id):
                if let found = try await users.get(id, scope: scope) {
                    user = found
                    account = try await accounts.get(found.accountID, scope: scope)
                }
            case .number(let id):
                if let found = try await numbers.get(id, scope: scope) {
                    number = found
                    account = try await accounts.get(found.accountID ?? found.poolAccountID, scope: scope)
                }
            case .trunk(let id):
                account = try await trunks.owner(of: id, scope: scope)
            }
            if account != nil { break }
        }
        guard let account, operation.targetKinds.contains(account.kind) else { throw AdminDenial.notFound }
        guard let allowing = grants.first(where: { operation.permitted(by: $0, on: account) }) else {
            throw AdminDenial.forbidden(operation)
        }
        // A user who administers something outside the caller's grant (say a company admin whose
        // own account sits in a department) is not the caller's to change: no admin locks,
        // deletes or moves someone above them.
        if let user, operation.changes {
            let theirs = try await users.grants(of: user.id)
            if theirs.contains(where: { !allowing.account.scope.contains($0.account) }) { throw AdminDenial.forbidden(operation) }
        }
        var trunkID: Int64?
        if case .trunk(let id) = reference { trunkID = id }
        return AdminTarget(account: account, grant: allowing, user: user, number: number, trunkID: trunkID, grants: grants)
    }
}
