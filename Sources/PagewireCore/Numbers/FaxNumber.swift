import Foundation

/// A fax number (DID) and where it stands: in a pool, in a company's inventory, or being ported in.
public struct FaxNumber: Sendable, Equatable {
    /// Where a number is in its life.
    public enum State: String, Sendable, Codable, CaseIterable {
        /// In a reseller's (or the platform's) pool, free for its companies to take.
        case available
        /// In a company's inventory, receiving for nobody yet.
        case unassigned
        /// Receiving for a user or a shared queue.
        case assigned
        /// Being ported in; calls to it are not answered until the port completes.
        case pendingPort = "pending_port"
    }

    public let id: Int64
    public let e164: String
    /// The reseller or platform whose pool the number belongs to.
    public let poolAccountID: Int64
    /// The company or department holding it; nil while it is in the pool.
    public let accountID: Int64?
    public let state: State
    public let ported: Bool
    public let userID: Int64?
    public let queueName: String?
    public let region: String?
    public let city: String?
    public let areaCode: String?

    init(row: SQLRow) throws(DatabaseError) {
        id = try row.get("id")
        e164 = try row.get("e164")
        poolAccountID = try row.get("pool_account_id")
        accountID = try row.optional("account_id")
        guard let state = State(rawValue: try row.get("state")) else { throw DatabaseError(.decoding, "unknown number state") }
        self.state = state
        ported = try row.get("ported")
        userID = try row.optional("user_id")
        queueName = try row.optional("queue_name")
        region = try row.optional("region")
        city = try row.optional("city")
        areaCode = try row.optional("area_code")
    }

    static let columns = "n.id, n.e164, n.pool_account_id, n.account_id, n.state, n.ported, n.user_id, n.queue_name, n.region, n.city, n.area_code"

    /// The North American area code of `e164` (`+1NPA…`), or nil for other countries.
    public static func areaCode(of e164: String) -> String? {
        guard e164.hasPrefix("+1"), e164.count == 12 else { return nil }
        return String(e164.dropFirst(2).prefix(3))
    }
}

/// What an inbound call to a number meets.
public enum InboundRoute: Sendable, Equatable {
    /// Answer: the fax belongs to this company and account, and to the user or shared queue.
    case accept(numberID: Int64, companyID: Int64, accountID: Int64, userID: Int64?, queueName: String?)
    /// Not one of ours, in a pool, or in inventory with nobody receiving on it (SIP 404).
    case unknown
    /// Ours but not receiving now: pending a port in, or its user is locked (SIP 480).
    case unavailable(reason: String)

    /// The SIP status an INVITE to a refused number gets.
    public var sipStatus: Int? {
        switch self {
        case .accept: nil
        case .unknown: 404
        case .unavailable: 480
        }
    }
}
