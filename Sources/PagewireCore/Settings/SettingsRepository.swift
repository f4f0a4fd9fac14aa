import Foundation

/// Where an effective setting came from.
public enum SettingOrigin: Sendable, Equatable {
    case platformDefault
    case account(id: Int64, kind: AccountKind)
    case user(id: Int64)
}

/// An effective value and the level that set it.
public struct ResolvedSetting<Value: Sendable & Equatable>: Sendable, Equatable {
    public let value: Value
    public let origin: SettingOrigin

    public init(value: Value, origin: SettingOrigin) {
        self.value = value
        self.origin = origin
    }
}

/// Why a setting could not be changed.
public enum SettingsError: Error, Equatable, CustomStringConvertible {
    case invalidValue(key: String, reason: String)
    case notFound
    public var description: String {
        switch self {
        case .invalidValue(let key, let reason): "\(key): \(reason)"
        case .notFound: "not found"
        }
    }
}

/// Settings overrides at every level, resolved at read time along user → departments → company →
/// reseller → platform → default, so a change higher up reaches every user below at once unless
/// they override it.
public struct SettingsRepository: Sendable {
    public let database: Database
    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    public init(database: Database) {
        self.database = database
    }

    /// The effective value of `key` for a user, with its origin.
    public func effective<V>(_ key: SettingKey<V>, forUser userID: Int64) async throws -> ResolvedSetting<V> {
        try await database.withConnection { c in
            guard let userRow = try c.query(
                "SELECT u.account_id, a.path FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = ?", userID
            ).first else { throw SettingsError.notFound }
            if let own = try c.query("SELECT value_json FROM user_settings WHERE user_id = ? AND setting_key = ?", userID, key.name).first {
                return ResolvedSetting(value: try Self.decode(key, try own.get("value_json")), origin: .user(id: userID))
            }
            return try Self.resolveAlongPath(c, key, path: try userRow.get("path"))
        }
    }

    /// The effective value of `key` at an account node (what its users inherit).
    public func effective<V>(_ key: SettingKey<V>, forAccount accountID: Int64, scope: AccountScope) async throws -> ResolvedSetting<V> {
        try await database.withConnection { c in
            guard let node = try AccountRepository.fetch(c, id: accountID, scope: scope) else { throw SettingsError.notFound }
            return try Self.resolveAlongPath(c, key, path: node.path)
        }
    }

    /// Overrides `key` at an account node inside `scope`; the audit log records who did it.
    public func set<V>(_ key: SettingKey<V>, to value: V, atAccount accountID: Int64, scope: AccountScope,
                       by actor: AuditActor = .system("pagewire")) async throws {
        if let problem = key.problem(with: value) { throw SettingsError.invalidValue(key: key.name, reason: problem) }
        let json = String(decoding: try Self.encoder.encode(value), as: UTF8.self)
        try await database.transaction { c in
            guard try AccountRepository.fetch(c, id: accountID, scope: scope) != nil else { throw SettingsError.notFound }
            try c.execute(
                """
                INSERT INTO account_settings (account_id, setting_key, value_json, updated_at) VALUES (?, ?, ?, ?)
                ON DUPLICATE KEY UPDATE value_json = VALUES(value_json), updated_at = VALUES(updated_at)
                """, accountID, key.name, json, Date())
            try Self.audit(c, accountID: accountID, actor: actor, key: key.name, detail: "override at account \(accountID)")
        }
    }

    /// Overrides `key` for one user inside `scope`; the audit log records who did it.
    public func set<V>(_ key: SettingKey<V>, to value: V, forUser userID: Int64, scope: AccountScope,
                       by actor: AuditActor = .system("pagewire")) async throws {
        if let problem = key.problem(with: value) { throw SettingsError.invalidValue(key: key.name, reason: problem) }
        let json = String(decoding: try Self.encoder.encode(value), as: UTF8.self)
        try await database.transaction { c in
            guard let user = try UserRepository.fetch(c, id: userID, scope: scope) else { throw SettingsError.notFound }
            try c.execute(
                """
                INSERT INTO user_settings (user_id, setting_key, value_json, updated_at) VALUES (?, ?, ?, ?)
                ON DUPLICATE KEY UPDATE value_json = VALUES(value_json), updated_at = VALUES(updated_at)
                """, userID, key.name, json, Date())
            try Self.audit(c, accountID: user.accountID, actor: actor, key: key.name, detail: "override for user \(userID)")
        }
    }

    /// Removes an account's override so it inherits again ("reset to inherited").
    public func reset<V>(_ key: SettingKey<V>, atAccount accountID: Int64, scope: AccountScope,
                         by actor: AuditActor = .system("pagewire")) async throws {
        try await database.transaction { c in
            guard try AccountRepository.fetch(c, id: accountID, scope: scope) != nil else { throw SettingsError.notFound }
            try c.execute("DELETE FROM account_settings WHERE account_id = ? AND setting_key = ?", accountID, key.name)
            try Self.audit(c, accountID: accountID, actor: actor, key: key.name, detail: "reset to inherited at account \(accountID)")
        }
    }

    /// Removes a user's override.
    public func reset<V>(_ key: SettingKey<V>, forUser userID: Int64, scope: AccountScope,
                         by actor: AuditActor = .system("pagewire")) async throws {
        try await database.transaction { c in
            guard let user = try UserRepository.fetch(c, id: userID, scope: scope) else { throw SettingsError.notFound }
            try c.execute("DELETE FROM user_settings WHERE user_id = ? AND setting_key = ?", userID, key.name)
            try Self.audit(c, accountID: user.accountID, actor: actor, key: key.name, detail: "reset to inherited for user \(userID)")
        }
    }

    /// The audit row of a settings change: which key and where, never the value (a blocklist or an
    /// address is tenant data, not something the log should copy).
    private static func audit(_ c: DatabaseConnection, accountID: Int64, actor: AuditActor, key: String, detail: String) throws {
        try AuditLog.record(on: c, accountID: accountID, actor: actor, action: .settingsChange, targetType: "setting", targetID: key, detail: detail)
    }

    // MARK: - Resolution

    /// Nearest override on the path wins: one indexed query for all ancestors, deepest first.
    private static func resolveAlongPath<V>(_ c: DatabaseConnection, _ key: SettingKey<V>, path: String) throws -> ResolvedSetting<V> {
        let ancestors = path.split(separator: "/").compactMap { Int64($0) }
        guard !ancestors.isEmpty else { return ResolvedSetting(value: key.defaultValue, origin: .platformDefault) }
        let placeholders = Array(repeating: "?", count: ancestors.count).joined(separator: ", ")
        var binds: [any SQLEncodable] = [key.name]
        binds.append(contentsOf: ancestors)
        let rows = try c.query(
            """
            SELECT s.account_id, a.kind, s.value_json FROM account_settings s JOIN accounts a ON a.id = s.account_id
            WHERE s.setting_key = ? AND s.account_id IN (\(placeholders))
            ORDER BY LENGTH(a.path) DESC LIMIT 1
            """, binds)
        guard let row = rows.first else { return ResolvedSetting(value: key.defaultValue, origin: .platformDefault) }
        let kind = AccountKind(rawValue: try row.get("kind")) ?? .platform
        return ResolvedSetting(value: try decode(key, try row.get("value_json")), origin: .account(id: try row.get("account_id"), kind: kind))
    }

    private static func decode<V>(_ key: SettingKey<V>, _ json: String) throws -> V {
        do {
            return try JSONDecoder().decode(V.self, from: Data(json.utf8))
        } catch {
            throw SettingsError.invalidValue(key: key.name, reason: "stored value cannot be read")
        }
    }
}
