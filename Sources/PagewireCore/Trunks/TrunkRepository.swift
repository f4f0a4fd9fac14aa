import Crypto
import Foundation

/// Trunks, which accounts use them, and their channels in use (`trunks`, `account_trunks`,
/// `trunk_channels`). Trunks are platform objects managed by the operator; lookups for an
/// account follow that account's own path, so one tenant never sees another's choice.
///
/// Digest passwords are stored wrapped (AES-256-GCM) with a key derived from the platform
/// transit key (`vault.transit_key_file`, outside the database), bound to the trunk's id: a
/// database dump reveals none. A repository opened without `secrets` reads trunks with a nil
/// password and refuses to store one.
public struct TrunkRepository: Sendable {
    /// Where the tables live.
    public let database: Database
    /// The platform keys passwords are wrapped with; nil in processes that never need them.
    public let secrets: TransitKeyring?

    /// A repository over `database`; pass the process's transit keyring (`Vault.documents.transit`)
    /// to store or read trunk passwords.
    public init(database: Database, secrets: TransitKeyring? = nil) {
        self.database = database
        self.secrets = secrets
    }

    /// Why a password could not be stored or read.
    public enum PasswordError: Error, CustomStringConvertible {
        /// The repository was opened without the platform keys.
        case noKeys
        /// The stored value does not open with the key it names (wrong key file, or tampered).
        case unreadable(trunkID: Int64)

        public var description: String {
            switch self {
            case .noKeys: "trunk passwords need the platform transit key (open TrunkRepository with secrets:)"
            case .unreadable(let id): "the password of trunk \(id) does not open with the platform keys"
            }
        }
    }

    /// Stores a new trunk and returns it with its id; its password, if any, is stored wrapped.
    public func create(_ trunk: Trunk, now: Date = Date()) async throws -> Trunk {
        if trunk.password != nil, secrets == nil { throw PasswordError.noKeys }
        let secrets = self.secrets
        let id = try await database.transaction { c in
            let id = Int64(try c.execute(
                """
                INSERT INTO trunks (name, active, host, port, transport, username, register_expires, caller_id_override, max_channels,
                    t38_allowed, ecm, v17_allowed, codecs, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                trunk.name, trunk.active, trunk.host, trunk.port, trunk.transport, trunk.username, trunk.registerExpires, trunk.callerIDOverride,
                trunk.maxChannels, trunk.t38Allowed, trunk.ecm, trunk.v17Allowed, trunk.codecs.joined(separator: ","), now, now
            ).lastInsertID)
            if let password = trunk.password, let secrets {
                try Self.storePassword(password, trunkID: id, secrets: secrets, on: c)
            }
            return id
        }
        var stored = trunk
        stored.id = id
        return stored
    }

    /// Every trunk, active or not, by id (the operator's list).
    public func all() async throws -> [Trunk] {
        try await database.query("SELECT \(Trunk.columns) FROM trunks ORDER BY id").map(decode)
    }

    // MARK: - Passwords at rest

    /// Wraps every password still stored in clear (rows from before migration 0072) and every
    /// one wrapped with a transit key that is no longer current; returns how many rows changed.
    /// `pagewire-telephony` runs this at start-up, since SQL alone cannot encrypt.
    @discardableResult
    public func sealPasswords() async throws -> Int {
        guard let secrets else { throw PasswordError.noKeys }
        let current = secrets.currentKeyID
        return try await database.transaction { c in
            let rows = try c.query(
                """
                SELECT id, password, password_key_id, password_wrapped FROM trunks
                WHERE password IS NOT NULL OR (password_key_id IS NOT NULL AND password_key_id <> ?) FOR UPDATE
                """, current)
            for row in rows {
                let id: Int64 = try row.get("id")
                let password: String
                if let clear: String = try row.optional("password") {
                    password = clear
                } else {
                    password = try Self.openPassword(row, trunkID: id, secrets: secrets)
                }
                try Self.storePassword(password, trunkID: id, secrets: secrets, on: c)
            }
            return rows.count
        }
    }

    /// The transit key ids trunk passwords are wrapped with (keep them when retiring keys).
    public func passwordKeyIDsInUse() async throws -> Set<String> {
        Set(try await database.query("SELECT DISTINCT password_key_id FROM trunks WHERE password_key_id IS NOT NULL")
            .map { try $0.get("password_key_id", as: String.self) })
    }

    /// Writes `password` wrapped for `trunkID` and clears any clear copy.
    static func storePassword(_ password: String, trunkID: Int64, secrets: TransitKeyring, on c: DatabaseConnection) throws {
        let (keyID, key) = secrets.current
        let wrapped = try VaultCipher.wrap(Array(password.utf8), with: passwordKey(key), context: passwordContext(trunkID: trunkID, keyID: keyID))
        try c.execute("UPDATE trunks SET password = NULL, password_key_id = ?, password_wrapped = ? WHERE id = ?", keyID, wrapped, trunkID)
    }

    /// Opens the wrapped password of a row that has one.
    static func openPassword(_ row: SQLRow, trunkID: Int64, secrets: TransitKeyring) throws -> String {
        let keyID: String = try row.get("password_key_id")
        let wrapped: [UInt8] = try row.get("password_wrapped")
        guard let transitKey = try? secrets.key(id: keyID),
              let clear = VaultCipher.unwrap(wrapped, with: passwordKey(transitKey), context: passwordContext(trunkID: trunkID, keyID: keyID)),
              let password = String(bytes: clear, encoding: .utf8) else { throw PasswordError.unreadable(trunkID: trunkID) }
        return password
    }

    /// A key of its own for trunk passwords, so no value wrapped for documents opens as a password or back.
    static func passwordKey(_ transitKey: SymmetricKey) -> SymmetricKey {
        VaultCipher.derivedKey(from: VaultCipher.bytes(of: transitKey), purpose: "trunk-password")
    }

    static func passwordContext(trunkID: Int64, keyID: String) -> String { "pagewire.trunk.password:\(trunkID):\(keyID)" }

    /// A trunk from its row, with its password opened when this repository holds the keys.
    func decode(_ row: SQLRow) throws -> Trunk {
        var trunk = try Trunk(row: row)
        if trunk.password == nil {
            if let secrets, try row.optional("password_key_id", as: String.self) != nil {
                trunk.password = try Self.openPassword(row, trunkID: trunk.id, secrets: secrets)
            }
        } else if secrets == nil {
            // A clear password not sealed yet is only handed to a process that could seal it.
            trunk.password = nil
        }
        return trunk
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
                if !rows.isEmpty { return try rows.map(decode) }
            }
            return try c.query("SELECT \(Trunk.columns) FROM trunks WHERE active = 1 ORDER BY id").map(decode)
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
