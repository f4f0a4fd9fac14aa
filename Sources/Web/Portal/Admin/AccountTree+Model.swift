import PagewireCore

/// The account tree page: the caller's part of the hierarchy and the selected node's actions.
struct AccountTreeModel: Sendable {
    struct Node: Sendable {
        let id: Int64
        let name: String
        let kind: String
        let indent: String
        let selected: Bool
    }
    let tabs: AdminTabs
    let nodes: [Node]
    let id: Int64
    let name: String
    let kind: String
    let canRename: Bool
    let canAddDepartment: Bool
    let canDelete: Bool
    let userCount: Int
    let notice: String?
    let error: String?
}

extension AccountTreeModel {
    static func query(_ target: AdminTarget, database: Database, notice: String?, error: String?) async throws -> AccountTreeModel {
        let accounts = AccountRepository(database: database)
        let top = target.grants.first?.account ?? target.grant.account
        let rootDepth = top.ancestry.count
        let nodes = try await accounts.subtree(top.scope).map { a in
            Node(id: a.id, name: a.name, kind: a.kind.rawValue,
                 indent: String(repeating: "\u{2003}", count: max(0, a.ancestry.count - rootDepth)),
                 selected: a.id == target.account.id)
        }
        let users = try await UserRepository(database: database).list(under: target.account.id, scope: target.scope)
        let account = target.account
        return AccountTreeModel(
            tabs: AdminTabs(target, current: "Account"), nodes: nodes, id: account.id, name: account.name, kind: account.kind.rawValue,
            canRename: target.may(.renameAccount),
            canAddDepartment: target.may(.addDepartment) && AdminOperation.addDepartment.targetKinds.contains(account.kind),
            canDelete: target.may(.deleteDepartment) && account.kind == .department && account.id != target.grant.account.id,
            userCount: users.count, notice: notice, error: error)
    }
}
