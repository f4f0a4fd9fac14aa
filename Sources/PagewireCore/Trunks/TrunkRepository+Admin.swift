import Foundation

/// Why a trunk change was refused.
public enum TrunkAdminError: Error, Equatable, CustomStringConvertible {
    /// No such trunk or owner inside the caller's scope.
    case notFound
    /// A field is not acceptable (the reason reads as a sentence for the admin).
    case invalid(String)
    /// Trunk names are unique on the platform.
    case nameTaken(String)

    /// The reason in words.
    public var description: String {
        switch self {
        case .notFound: "not found"
        case .invalid(let reason): reason
        case .nameTaken(let name): "a trunk named \(name) already exists"
        }
    }
}

extension TrunkRepository {
    /// Checks what an operator or reseller typed for a trunk (ICTFax's Provider/Trunks form):
    /// host, port 1–65535, digest username and password together or neither (IP authentication).
    public static func validate(_ trunk: Trunk) throws(TrunkAdminError) {
        let name = trunk.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100 else { throw .invalid("a trunk name has 1 to 100 characters") }
        let host = trunk.host.trimmingCharacters(in: .whitespaces)
        guard !host.isEmpty, host.count <= 255, host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" }) else {
            throw .invalid("the host is a name or an IP address")
        }
        guard (1...65_535).contains(trunk.port) else { throw .invalid("the port is 1 to 65535") }
        guard ["udp", "tcp"].contains(trunk.transport) else { throw .invalid("the transport is udp or tcp") }
        guard (1...10_000).contains(trunk.maxChannels) else { throw .invalid("channels are 1 to 10000") }
        if (trunk.username ?? "").isEmpty != (trunk.password ?? "").isEmpty, trunk.id == 0 {
            throw .invalid("give both a SIP username and a password, or neither for IP authentication")
        }
    }

    /// Creates a trunk owned by `ownerAccountID` (the platform or a reseller inside `scope`).
    public func create(_ trunk: Trunk, owner ownerAccountID: Int64, scope: AccountScope) async throws -> Trunk {
        try Self.validate(trunk)
        guard let owner = try await database.withConnection({ try AccountRepository.fetch($0, id: ownerAccountID, scope: scope) }),
              owner.kind == .platform || owner.kind == .reseller else { throw TrunkAdminError.notFound }
        let stored: Trunk
        do {
            stored = try await create(trunk)
        } catch let error as DatabaseError where error.kind == .duplicateKey {
            throw TrunkAdminError.nameTaken(trunk.name)
        }
        try await database.execute("UPDATE trunks SET owner_account_id = ? WHERE id = ?", owner.kind == .platform ? nil : owner.id, stored.id)
        return stored
    }

    /// The account owning `trunkID` (the platform root for platform trunks), if that account is inside `scope`.
    public func owner(of trunkID: Int64, scope: AccountScope) async throws -> Account? {
        try await database.withConnection { c in
            guard let row = try c.query("SELECT owner_account_id FROM trunks WHERE id = ?", trunkID).first else { return nil }
            if let owner: Int64 = try row.optional("owner_account_id") { return try AccountRepository.fetch(c, id: owner, scope: scope) }
            guard let platform = try c.query("SELECT \(Account.columns) FROM accounts WHERE kind = 'platform' LIMIT 1").first.map(Account.init(row:)) else { return nil }
            return scope.contains(platform) ? platform : nil
        }
    }

    /// Trunks owned by `accountID` (platform or reseller) inside `scope`, by name.
    public func owned(by accountID: Int64, scope: AccountScope) async throws -> [Trunk] {
        try await database.withConnection { c in
            guard let owner = try AccountRepository.fetch(c, id: accountID, scope: scope) else { throw TrunkAdminError.notFound }
            let condition = owner.kind == .platform ? "owner_account_id IS NULL" : "owner_account_id = ?"
            let binds: [any SQLEncodable] = owner.kind == .platform ? [] : [owner.id]
            return try c.query("SELECT \(Trunk.columns) FROM trunks WHERE \(condition) ORDER BY name", binds).map(self.decode)
        }
    }

    /// Trunks `accountID` may dial through: its own (for a reseller), its resellers' and the platform's.
    public func usable(by accountID: Int64, scope: AccountScope) async throws -> [Trunk] {
        try await database.withConnection { c in
            guard let account = try AccountRepository.fetch(c, id: accountID, scope: scope) else { throw TrunkAdminError.notFound }
            let owners = account.ancestry
            let list = owners.map { _ in "?" }.joined(separator: ", ")
            return try c.query(
                "SELECT \(Trunk.columns) FROM trunks WHERE owner_account_id IS NULL OR owner_account_id IN (\(list)) ORDER BY name",
                owners.map { $0 as any SQLEncodable }).map(self.decode)
        }
    }

    /// Changes a trunk's settings; an empty password keeps the stored one.
    public func update(_ trunk: Trunk, scope: AccountScope, now: Date = Date()) async throws {
        try Self.validate(trunk)
        guard try await owner(of: trunk.id, scope: scope) != nil else { throw TrunkAdminError.notFound }
        do {
            try await database.execute(
                """
                UPDATE trunks SET name = ?, active = ?, host = ?, port = ?, transport = ?, username = ?, max_channels = ?,
                    t38_allowed = ?, ecm = ?, updated_at = ? WHERE id = ?
                """, trunk.name, trunk.active, trunk.host, trunk.port, trunk.transport, trunk.username, trunk.maxChannels,
                trunk.t38Allowed, trunk.ecm, now, trunk.id)
            if trunk.username == nil {
                // IP authentication only: no digest credentials are kept.
                try await database.execute(
                    "UPDATE trunks SET password = NULL, password_key_id = NULL, password_wrapped = NULL WHERE id = ?", trunk.id)
            } else if let password = trunk.password, !password.isEmpty {
                guard let secrets else { throw PasswordError.noKeys }
                try await database.transaction { c in try Self.storePassword(password, trunkID: trunk.id, secrets: secrets, on: c) }
            }
        } catch let error as DatabaseError where error.kind == .duplicateKey {
            throw TrunkAdminError.nameTaken(trunk.name)
        }
    }

    /// Deletes a trunk inside `scope` (its order rows and channels go with it).
    public func delete(_ trunkID: Int64, scope: AccountScope) async throws {
        guard try await owner(of: trunkID, scope: scope) != nil else { throw TrunkAdminError.notFound }
        try await database.execute("DELETE FROM trunks WHERE id = ?", trunkID)
    }

    /// One trunk inside `scope`.
    public func get(_ trunkID: Int64, scope: AccountScope) async throws -> Trunk? {
        guard try await owner(of: trunkID, scope: scope) != nil else { return nil }
        return try await database.query("SELECT \(Trunk.columns) FROM trunks WHERE id = ?", trunkID).first.map(self.decode)
    }

    /// The trunks `accountID` itself lists, in failover order (empty: it inherits its parent's order).
    public func order(of accountID: Int64, scope: AccountScope) async throws -> [Trunk] {
        try await database.withConnection { c in
            guard try AccountRepository.fetch(c, id: accountID, scope: scope) != nil else { throw TrunkAdminError.notFound }
            let columns = Trunk.columns.split(separator: ",").map { "t." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
            return try c.query(
                "SELECT \(columns) FROM account_trunks a JOIN trunks t ON t.id = a.trunk_id WHERE a.account_id = ? ORDER BY a.priority, t.id",
                accountID).map(self.decode)
        }
    }

    /// Replaces the failover order of `accountID`: the first trunk is tried first, the next when
    /// it fails; every trunk must be usable by the account. An empty list inherits again.
    public func setOrder(_ trunkIDs: [Int64], forAccount accountID: Int64, scope: AccountScope) async throws {
        let usable = Set(try await usable(by: accountID, scope: scope).map(\.id))
        guard Set(trunkIDs).count == trunkIDs.count else { throw TrunkAdminError.invalid("a trunk appears twice in the order") }
        guard trunkIDs.allSatisfy(usable.contains) else { throw TrunkAdminError.invalid("only the account's own trunks and its provider's can be used") }
        try await database.transaction { c in
            try c.execute("DELETE FROM account_trunks WHERE account_id = ?", accountID)
            for (priority, id) in trunkIDs.enumerated() {
                try c.execute("INSERT INTO account_trunks (account_id, trunk_id, priority) VALUES (?, ?, ?)", accountID, id, priority + 1)
            }
        }
    }
}
