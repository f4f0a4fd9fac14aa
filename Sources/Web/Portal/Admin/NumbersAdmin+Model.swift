import PagewireCore

/// A node's fax number inventory grouped by area code (unassigned, assigned, pending port),
/// with assignment to a user or a shared queue.
struct NumbersAdminModel: Sendable {
    struct Row: Sendable {
        let id: Int64
        let e164: String
        let state: String
        let ported: Bool
        let assignedTo: String
        let assignable: Bool
        let assigned: Bool
    }
    struct Group: Sendable {
        let areaCode: String
        let unassigned: Int
        let assigned: Int
        let pendingPort: Int
        let rows: [Row]
    }
    struct UserOption: Sendable {
        let id: Int64
        let name: String
    }
    let tabs: AdminTabs
    let accountID: Int64
    let groups: [Group]
    let hasNumbers: Bool
    let users: [UserOption]
    let canAssign: Bool
    let canExport: Bool
    /// Company nodes: the request form against the reseller's pool and the maximum inventory.
    let canRequest: Bool
    let holding: Int
    let maximumInventory: Int
    let atMaximum: Bool
    let notice: String?
    let error: String?
}

extension NumbersAdminModel {
    static func query(_ target: AdminTarget, database: Database, notice: String? = nil, error: String? = nil) async throws -> NumbersAdminModel {
        let numbers = try await NumberRepository(database: database).inventory(of: target.account.id, scope: target.scope)
        let users = try await UserRepository(database: database).list(under: target.account.id, scope: target.scope)
        let names = Dictionary(users.map { ($0.id, $0.displayName.isEmpty ? $0.email : $0.displayName) }, uniquingKeysWith: { a, _ in a })
        let canAssign = target.may(.assignNumber)
        var groups: [Group] = []
        var order: [String] = []
        var byArea: [String: [FaxNumber]] = [:]
        for n in numbers {
            let area = n.areaCode ?? Self.country(of: n.e164)
            if byArea[area] == nil { order.append(area) }
            byArea[area, default: []].append(n)
        }
        for area in order {
            let list = byArea[area] ?? []
            groups.append(Group(
                areaCode: area,
                unassigned: list.filter { $0.state == .unassigned }.count,
                assigned: list.filter { $0.state == .assigned }.count,
                pendingPort: list.filter { $0.state == .pendingPort }.count,
                rows: list.map { n in
                    Row(id: n.id, e164: n.e164, state: n.state.rawValue.replacingOccurrences(of: "_", with: " "), ported: n.ported,
                        assignedTo: n.userID.flatMap { names[$0] } ?? n.queueName.map { "queue: \($0)" } ?? "",
                        assignable: canAssign && (n.state == .unassigned || n.state == .assigned), assigned: canAssign && n.state == .assigned)
                }))
        }
        let maximum = try await SettingsRepository(database: database)
            .effective(Settings.maximumNumberInventory, forAccount: target.account.id, scope: target.scope).value
        return NumbersAdminModel(
            tabs: AdminTabs(target, current: "Numbers"), accountID: target.account.id, groups: groups, hasNumbers: !numbers.isEmpty,
            users: users.filter { $0.status == .active }.map { UserOption(id: $0.id, name: names[$0.id] ?? $0.username) },
            canAssign: canAssign, canExport: target.may(.exportNumbers),
            canRequest: target.account.kind == .company && target.may(.requestNumbers), holding: numbers.count, maximumInventory: maximum,
            atMaximum: numbers.count >= maximum, notice: notice, error: error)
    }

    /// The calling code of a number outside North America, as the group label ("+44").
    static func country(of e164: String) -> String {
        NumbersCSV.country(of: e164)
    }
}
