import Foundation

/// Trunks, which accounts use them, and their channels in use (`trunks`, `account_trunks`,
/// `trunk_channels`). Trunks are platform objects managed by the operator; lookups for an
/// account follow that account's own path, so one tenant never sees another's choice.
public struct TrunkRepository: Sendable {
    /// Where the tables live.
    public let database: Database

    /// A repository over `database`.
    public init(database: Database) { self.database = database }

    /// Stores a new trunk and returns it with its id.
    public func create(_ trunk: Trunk, now: Date = Date()) async throws -> Trunk {
        let id = try await database.execute(
            """
            INSERT INTO trunks (name, active, host, port, transport, username, password, register_expires, caller_id_override, max_channels,
                t38_allowed, ecm, v17_allowed, codecs, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            trunk.name, trunk.active, trunk.host, trunk.port, trunk.transport, trunk.username, trunk.password, trunk.registerExpires, trunk.callerIDOverride,
            trunk.maxChannels, trunk.t38Allowed, trunk.ecm, trunk.v17Allowed, trunk.codecs.joined(separator: ","), now, now
        ).lastInsertID
        var stored = trunk
        stored.id = Int64(id)
        return stored
    }

    /// Every trunk, active or not, by id (the operator's list).
    public func all() async throws -> [Trunk] {
        try await database.query("SELECT \(Trunk.columns) FROM trunks ORDER BY id").map(Trunk.init(row:))
    }

    /// Makes `accountID` (a reseller, company or department) use `trunkID` at `priority` (lower first).
    public func assign(trunkID: Int64, toAccount accountID: Int64, priority: Int) async throws {
        try await database.execute(
            "INSERT INTO account_trunks (account_id, trunk_id, priority) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE priority = VALUES(priority)",
            accountID, trunkID, priority)
    }

    /// The active trunks an account dials through, in order: those of the nearest account on its
    /// path (itself first, then its parents) that has any; all active trunks when none has.
    public func trunks(forAccount accountID: Int64) async throws -> [Trunk] {
        try await database.withConnection { c in
            guard let path: String = try c.query("SELECT path FROM accounts WHERE id = ?", accountID).first?.get("path") else { return [] }
            let ancestry = path.split(separator: "/").compactMap { Int64($0) }
            for account in ancestry.reversed() {
                let rows = try c.query(
                    """
                    SELECT \(Trunk.columns.split(separator: ",").map { "t." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
                    FROM account_trunks a JOIN trunks t ON t.id = a.trunk_id
                    WHERE a.account_id = ? AND t.active = 1 ORDER BY a.priority, t.id
                    """, account)
                if !rows.isEmpty { return try rows.map(Trunk.init(row:)) }
            }
            return try c.query("SELECT \(Trunk.columns) FROM trunks WHERE active = 1 ORDER BY id").map(Trunk.init(row:))
        }
    }

    /// Takes a channel on `trunkID` for `callKey` until `hold` seconds from now, unless the trunk
    /// is full. Expired channels (their worker died) are freed first.
    public func claimChannel(trunkID: Int64, callKey: String, hold: TimeInterval = 3_600, now: Date = Date()) async throws -> Bool {
        try await database.transaction { c in
            guard let row = try c.query("SELECT max_channels FROM trunks WHERE id = ? FOR UPDATE", trunkID).first else { return false }
            let maximum: Int = try row.get("max_channels")
            try c.execute("DELETE FROM trunk_channels WHERE trunk_id = ? AND until < ?", trunkID, now)
            let used: Int = try c.query("SELECT COUNT(*) AS n FROM trunk_channels WHERE trunk_id = ?", trunkID)[0].get("n")
            guard used < maximum else { return false }
            try c.execute(
                "INSERT INTO trunk_channels (trunk_id, call_key, until) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE until = VALUES(until)",
                trunkID, callKey, now.addingTimeInterval(hold))
            return true
        }
    }

    /// Frees the channel taken for `callKey`.
    public func releaseChannel(trunkID: Int64, callKey: String) async throws {
        try await database.execute("DELETE FROM trunk_channels WHERE trunk_id = ? AND call_key = ?", trunkID, callKey)
    }

    /// Frees every channel whose call key starts with `callKeyPrefix` (e.g. the calls of one fax
    /// whose process died mid-call), on every trunk.
    public func releaseChannels(callKeyPrefix: String) async throws {
        let pattern = callKeyPrefix.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        try await database.execute("DELETE FROM trunk_channels WHERE call_key LIKE ?", pattern)
    }

    /// Channels in use on a trunk now.
    public func channelsInUse(trunkID: Int64, now: Date = Date()) async throws -> Int {
        try await database.query("SELECT COUNT(*) AS n FROM trunk_channels WHERE trunk_id = ? AND until >= ?", trunkID, now)[0].get("n")
    }
}
