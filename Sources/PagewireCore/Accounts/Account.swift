import Foundation

/// What a node of the account tree is.
public enum AccountKind: String, Sendable, Codable, CaseIterable {
    case platform, reseller, company, department

    /// The kinds a node of this kind may hold directly: the platform sells through resellers or
    /// directly to companies; resellers may have sub-resellers; departments nest to any depth.
    public var allowedChildren: Set<AccountKind> {
        switch self {
        case .platform: [.reseller, .company]
        case .reseller: [.reseller, .company]
        case .company, .department: [.department]
        }
    }
}

/// One node of the account tree.
public struct Account: Sendable, Equatable {
    public let id: Int64
    public let parentID: Int64?
    public let kind: AccountKind
    public var name: String
    /// Ids from the root, as `/1/4/9/`; the subtree of a node is every path that starts with its own.
    public let path: String
    /// The company this node belongs to (itself for a company; nil above companies).
    public let companyID: Int64?
    public var status: String

    /// The node ids from the root down to this node, this node last.
    public var ancestry: [Int64] {
        path.split(separator: "/").compactMap { Int64($0) }
    }

    /// Everything at and below this node.
    public var scope: AccountScope { AccountScope(rootID: id, path: path) }

    init(row: SQLRow) throws(DatabaseError) {
        id = try row.get("id")
        parentID = try row.optional("parent_id")
        guard let kind = AccountKind(rawValue: try row.get("kind")) else {
            throw DatabaseError(.decoding, "unknown account kind")
        }
        self.kind = kind
        name = try row.get("name")
        path = try row.get("path")
        companyID = try row.optional("company_id")
        status = try row.get("status")
    }

    static let columns = "id, parent_id, kind, name, path, company_id, status"
}

/// The part of the tree a caller may see: a node and everything below it.
///
/// Every query for tenant data takes a scope and filters on `accounts.path LIKE scope.pathPrefix`,
/// so an id from another tenant reads as "not found", never as someone else's row.
public struct AccountScope: Sendable, Equatable {
    public let rootID: Int64
    public let path: String

    public init(rootID: Int64, path: String) {
        self.rootID = rootID
        self.path = path
    }

    /// The LIKE pattern matching every path in the scope (paths hold only digits and slashes).
    public var pathPattern: String { path + "%" }

    /// Whether `account` is inside this scope.
    public func contains(_ account: Account) -> Bool { account.path.hasPrefix(path) }
}
