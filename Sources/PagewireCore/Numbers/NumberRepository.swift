import Foundation

/// Fax numbers (`numbers`): pools of resellers, inventories of companies, assignment to users
/// and shared queues, and the lookup inbound calls make.
///
/// A number is visible inside a scope when the account holding it — the company or department,
/// or the pool's owner while nobody holds it — is inside the scope.
public struct NumberRepository: Sendable {
    public let database: Database

    public init(database: Database) { self.database = database }

    static let visible = "JOIN accounts h ON h.id = COALESCE(n.account_id, n.pool_account_id) WHERE h.path LIKE ?"

    // MARK: - Pools

    /// Adds numbers to the pool of `poolAccountID` (the platform or a reseller inside `scope`),
    /// all or none. Each number is parsed as users type them and stored in E.164.
    @discardableResult
    public func addToPool(_ numbers: [String], poolAccountID: Int64, region: String? = nil, city: String? = nil,
                          scope: AccountScope, now: Date = Date()) async throws -> [FaxNumber] {
        var parsed: [String] = []
        for text in numbers {
            do { parsed.append(try E164Number(parsing: text).value) } catch { throw NumberError.invalid("\"\(text)\": \(error.description)") }
        }
        let e164s = parsed
        return try await database.transaction { c in
            guard let pool = try AccountRepository.fetch(c, id: poolAccountID, scope: scope) else { throw NumberError.notFound }
            guard pool.kind == .platform || pool.kind == .reseller else { throw NumberError.invalid("only the platform and resellers hold number pools") }
            var added: [FaxNumber] = []
            for e164 in e164s {
                do {
                    let id = try c.execute(
                        """
                        INSERT INTO numbers (e164, pool_account_id, state, region, city, area_code, created_at, updated_at)
                        VALUES (?, ?, 'available', ?, ?, ?, ?, ?)
                        """, e164, poolAccountID, region, city, FaxNumber.areaCode(of: e164), now, now).lastInsertID
                    added.append(try Self.fetch(c, id: Int64(id), scope: nil)!)
                } catch let error as DatabaseError where error.kind == .duplicateKey {
                    throw NumberError.alreadyExists(e164)
                }
            }
            return added
        }
    }

    /// Numbers free in the pools a company may take from (its resellers' and the platform's),
    /// optionally only one area code, in number order.
    public func available(forCompany companyID: Int64, areaCode: String? = nil, scope: AccountScope, limit: Int = 100) async throws -> [FaxNumber] {
        try await database.withConnection { c in
            guard let company = try AccountRepository.fetch(c, id: companyID, scope: scope) else { throw NumberError.notFound }
            let pools = company.ancestry.dropLast()
            guard !pools.isEmpty else { return [] }
            var sql = "SELECT \(FaxNumber.columns) FROM numbers n WHERE n.state = 'available' AND n.pool_account_id IN (\(pools.map { _ in "?" }.joined(separator: ", ")))"
            var binds: [any SQLEncodable] = pools.map { $0 }
            if let areaCode { sql += " AND n.area_code = ?"; binds.append(areaCode) }
            sql += " ORDER BY n.e164 LIMIT ?"
            binds.append(limit)
            return try c.query(sql, binds).map(FaxNumber.init(row:))
        }
    }

    /// Moves available numbers from the company's pools into its inventory (unassigned), all or
    /// none, refusing to go over `maximumInventory` numbers held.
    @discardableResult
    public func take(_ numberIDs: [Int64], forCompany companyID: Int64, maximumInventory: Int? = nil,
                     scope: AccountScope, now: Date = Date()) async throws -> [FaxNumber] {
        try await database.transaction { c in
            guard let company = try AccountRepository.fetch(c, id: companyID, scope: scope), company.kind == .company else { throw NumberError.notFound }
            let pools = Set(company.ancestry.dropLast())
            if let maximumInventory {
                let holding: Int = try c.query(
                    "SELECT COUNT(*) AS k FROM numbers n JOIN accounts a ON a.id = n.account_id WHERE a.company_id = ?", companyID)[0].get("k")
                guard holding + numberIDs.count <= maximumInventory else { throw NumberError.inventoryFull(maximum: maximumInventory, holding: holding) }
            }
            var taken: [FaxNumber] = []
            for id in numberIDs {
                guard let number = try c.query("SELECT \(FaxNumber.columns) FROM numbers n WHERE n.id = ? FOR UPDATE", id).first.map(FaxNumber.init(row:)),
                      pools.contains(number.poolAccountID) else { throw NumberError.notFound }
                guard number.state == .available else { throw NumberError.wrongState(number.e164, number.state) }
                try c.execute("UPDATE numbers SET account_id = ?, state = 'unassigned', updated_at = ? WHERE id = ?", companyID, now, id)
                taken.append(try Self.fetch(c, id: id, scope: nil)!)
            }
            return taken
        }
    }

    /// Gives a number of the company's inventory back to its pool.
    public func release(_ numberID: Int64, scope: AccountScope, now: Date = Date()) async throws {
        try await database.transaction { c in
            guard let number = try Self.fetch(c, id: numberID, scope: scope, lock: true), number.accountID != nil else { throw NumberError.notFound }
            try c.execute(
                "UPDATE numbers SET account_id = NULL, user_id = NULL, queue_name = NULL, state = 'available', updated_at = ? WHERE id = ?",
                now, numberID)
        }
    }

    /// Records a number being ported into `accountID`'s company; calls to it get 480 until the port completes.
    @discardableResult
    public func addPendingPort(_ text: String, accountID: Int64, scope: AccountScope, now: Date = Date()) async throws -> FaxNumber {
        let e164: String
        do { e164 = try E164Number(parsing: text).value } catch { throw NumberError.invalid("\"\(text)\": \(error.description)") }
        do {
            return try await database.transaction { c in
                guard let account = try AccountRepository.fetch(c, id: accountID, scope: scope), let companyID = account.companyID,
                      let company = try AccountRepository.fetch(c, id: companyID, scope: nil), let poolID = company.parentID else { throw NumberError.notFound }
                let id = try c.execute(
                    """
                    INSERT INTO numbers (e164, pool_account_id, account_id, state, ported, area_code, created_at, updated_at)
                    VALUES (?, ?, ?, 'pending_port', 1, ?, ?, ?)
                    """, e164, poolID, companyID, FaxNumber.areaCode(of: e164), now, now).lastInsertID
                return try Self.fetch(c, id: Int64(id), scope: nil)!
            }
        } catch let error as DatabaseError where error.kind == .duplicateKey {
            throw NumberError.alreadyExists(e164)
        }
    }

    /// Ends a port in: the number joins the company's inventory, unassigned.
    public func completePort(_ numberID: Int64, scope: AccountScope, now: Date = Date()) async throws {
        try await database.transaction { c in
            guard let number = try Self.fetch(c, id: numberID, scope: scope, lock: true) else { throw NumberError.notFound }
            guard number.state == .pendingPort else { throw NumberError.wrongState(number.e164, number.state) }
            try c.execute("UPDATE numbers SET state = 'unassigned', updated_at = ? WHERE id = ?", now, numberID)
        }
    }

    // MARK: - Inventory

    /// The number `id` if it is visible inside `scope`.
    public func get(_ id: Int64, scope: AccountScope) async throws -> FaxNumber? {
        try await database.withConnection { try Self.fetch($0, id: id, scope: scope) }
    }

    /// Numbers held at `accountID` and below (a company's inventory, or a department's), inside
    /// `scope`, optionally in one state, ordered by area code and number.
    public func inventory(of accountID: Int64, state: FaxNumber.State? = nil, scope: AccountScope) async throws -> [FaxNumber] {
        try await database.withConnection { c in
            guard let account = try AccountRepository.fetch(c, id: accountID, scope: scope) else { throw NumberError.notFound }
            var sql = "SELECT \(FaxNumber.columns) FROM numbers n JOIN accounts h ON h.id = n.account_id WHERE h.path LIKE ?"
            var binds: [any SQLEncodable] = [account.scope.pathPattern]
            if let state { sql += " AND n.state = ?"; binds.append(state.rawValue) }
            sql += " ORDER BY n.area_code, n.e164"
            return try c.query(sql, binds).map(FaxNumber.init(row:))
        }
    }

    /// Numbers in the pool of `poolAccountID`, whoever holds them now, for the operator's or reseller's view.
    public func pool(of poolAccountID: Int64, scope: AccountScope) async throws -> [FaxNumber] {
        try await database.withConnection { c in
            guard try AccountRepository.fetch(c, id: poolAccountID, scope: scope) != nil else { throw NumberError.notFound }
            return try c.query("SELECT \(FaxNumber.columns) FROM numbers n WHERE n.pool_account_id = ? ORDER BY n.area_code, n.e164", poolAccountID)
                .map(FaxNumber.init(row:))
        }
    }

    /// The numbers a user receives on.
    public func numbers(ofUser userID: Int64, scope: AccountScope) async throws -> [FaxNumber] {
        try await database.query(
            "SELECT \(FaxNumber.columns) FROM numbers n \(Self.visible) AND n.user_id = ? ORDER BY n.e164", scope.pathPattern, userID
        ).map(FaxNumber.init(row:))
    }

    /// Assigns a number of the inventory to a user of the same company, who then receives on it.
    public func assign(_ numberID: Int64, toUser userID: Int64, scope: AccountScope, now: Date = Date()) async throws {
        try await database.transaction { c in
            let (_, companyID) = try Self.assignable(c, numberID, scope: scope)
            guard let user = try UserRepository.fetch(c, id: userID, scope: scope),
                  let account = try AccountRepository.fetch(c, id: user.accountID, scope: nil),
                  account.companyID == companyID else { throw NumberError.notFound }
            try c.execute(
                "UPDATE numbers SET state = 'assigned', user_id = ?, queue_name = NULL, account_id = ?, updated_at = ? WHERE id = ?",
                userID, user.accountID, now, numberID)
        }
    }

    /// Assigns a number of the inventory to a shared queue (a named inbox of the company).
    public func assign(_ numberID: Int64, toQueue name: String, scope: AccountScope, now: Date = Date()) async throws {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100 else { throw NumberError.invalid("a shared queue needs a name of 1 to 100 characters") }
        try await database.transaction { c in
            _ = try Self.assignable(c, numberID, scope: scope)
            try c.execute(
                "UPDATE numbers SET state = 'assigned', user_id = NULL, queue_name = ?, updated_at = ? WHERE id = ?", name, now, numberID)
        }
    }

    /// Takes a number away from its user or queue; it stays in the inventory, unassigned.
    public func unassign(_ numberID: Int64, scope: AccountScope, now: Date = Date()) async throws {
        try await database.transaction { c in
            guard let number = try Self.fetch(c, id: numberID, scope: scope, lock: true) else { throw NumberError.notFound }
            guard number.state == .assigned else { throw NumberError.wrongState(number.e164, number.state) }
            try Self.unassign(c, where: "id = ?", numberID, now: now)
        }
    }

    /// Returns every number of a user to the unassigned inventory (the user is being deleted).
    /// Runs on the caller's connection, inside its transaction.
    public static func returnNumbers(ofUser userID: Int64, on c: DatabaseConnection, now: Date = Date()) throws {
        try unassign(c, where: "user_id = ?", userID, now: now)
    }

    private static func unassign(_ c: DatabaseConnection, where condition: String, _ value: Int64, now: Date) throws {
        // A number moved to a user's department goes back to the company level of the inventory.
        try c.execute(
            """
            UPDATE numbers n JOIN accounts a ON a.id = n.account_id
            SET n.state = 'unassigned', n.user_id = NULL, n.queue_name = NULL, n.account_id = a.company_id, n.updated_at = ?
            WHERE n.\(condition) AND n.state = 'assigned'
            """, now, value)
    }

    private static func assignable(_ c: DatabaseConnection, _ numberID: Int64, scope: AccountScope) throws -> (number: FaxNumber, companyID: Int64) {
        guard let number = try fetch(c, id: numberID, scope: scope, lock: true), let accountID = number.accountID,
              let holder = try AccountRepository.fetch(c, id: accountID, scope: nil), let companyID = holder.companyID else { throw NumberError.notFound }
        guard number.state == .unassigned || number.state == .assigned else { throw NumberError.wrongState(number.e164, number.state) }
        return (number, companyID)
    }

    // MARK: - Inbound

    /// Where a call to `e164` goes. This is the telephony process's lookup: it has no caller
    /// scope, because the carrier, not a tenant, names the number.
    public func inboundRoute(for e164: String) async throws -> InboundRoute {
        guard let row = try await database.query(
            """
            SELECT n.id, n.state, n.user_id, n.queue_name, n.account_id, a.company_id, u.status AS user_status, u.account_id AS user_account_id
            FROM numbers n LEFT JOIN accounts a ON a.id = n.account_id LEFT JOIN users u ON u.id = n.user_id
            WHERE n.e164 = ?
            """, e164
        ).first else { return .unknown }
        switch FaxNumber.State(rawValue: try row.get("state")) {
        case .pendingPort: return .unavailable(reason: "the number is pending a port")
        case .assigned:
            guard let companyID: Int64 = try row.optional("company_id"), let accountID: Int64 = try row.optional("account_id") else { return .unknown }
            let userID: Int64? = try row.optional("user_id")
            if userID != nil {
                guard try row.optional("user_status", as: String.self) == User.Status.active.rawValue else {
                    return .unavailable(reason: "the number's user is locked")
                }
            }
            return .accept(numberID: try row.get("id"), companyID: companyID, accountID: try row.optional("user_account_id") ?? accountID,
                           userID: userID, queueName: try row.optional("queue_name"))
        default: return .unknown
        }
    }

    static func fetch(_ c: DatabaseConnection, id: Int64, scope: AccountScope?, lock: Bool = false) throws -> FaxNumber? {
        let suffix = lock ? " FOR UPDATE" : ""
        if let scope {
            return try c.query("SELECT \(FaxNumber.columns) FROM numbers n \(visible) AND n.id = ?\(suffix)", scope.pathPattern, id)
                .first.map(FaxNumber.init(row:))
        }
        return try c.query("SELECT \(FaxNumber.columns) FROM numbers n WHERE n.id = ?\(suffix)", id).first.map(FaxNumber.init(row:))
    }
}
