import PagewireCore

/// How the admin pages say where a setting's value comes from at a node: "Set here",
/// "Inherited from the company Clinic A", "Platform default". Remembers the names it looked up.
struct SettingOriginText {
    let node: Int64
    let scope: AccountScope
    let accounts: AccountRepository
    private var names: [Int64: String] = [:]

    init(node: Int64, scope: AccountScope, database: Database) {
        self.node = node
        self.scope = scope
        self.accounts = AccountRepository(database: database)
    }

    /// The words for `origin`, and whether the value is overridden at this node.
    mutating func describe(_ origin: SettingOrigin) async throws -> (text: String, overridden: Bool) {
        switch origin {
        case .platformDefault:
            return ("Platform default", false)
        case .user:
            return ("Set for the user", false)
        case .account(let id, let kind):
            if id == node { return ("Set here", true) }
            if names[id] == nil { names[id] = try await accounts.get(id, scope: scope)?.name ?? "" }
            let name = names[id] ?? ""
            return ("Inherited from the \(kind.rawValue)" + (name.isEmpty ? "" : " \(name)"), false)
        }
    }
}
