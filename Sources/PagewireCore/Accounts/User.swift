import Foundation

/// A person who signs in: a user of a company, or staff of a reseller or the platform.
public struct User: Sendable, Equatable {
    public let id: Int64
    public let accountID: Int64
    public var username: String
    public var email: String
    public var displayName: String
    public var status: Status

    public enum Status: String, Sendable, Codable { case active, locked }

    init(row: SQLRow) throws(DatabaseError) {
        id = try row.get("id")
        accountID = try row.get("account_id")
        username = try row.get("username")
        email = try row.get("email")
        displayName = try row.get("display_name")
        status = Status(rawValue: try row.get("status")) ?? .locked
    }

    static let columns = "u.id, u.account_id, u.username, u.email, u.display_name, u.status"
}
