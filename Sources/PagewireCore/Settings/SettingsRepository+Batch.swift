import Foundation

extension SettingsRepository {
    /// The effective values of several keys for a user whose account path is known, in two
    /// queries (the user's overrides, then every ancestor's) instead of three per key. Keys without any override are absent: the caller uses the key's default.
    public func effectiveJSON(names: [String], forUser userID: Int64, accountPath: String) async throws -> [String: String] {
        guard !names.isEmpty else { return [:] }
        return try await database.withConnection { c in
            try Self.effectiveJSON(names: names, forUser: userID, accountPath: accountPath, on: c)
        }
    }

    /// `effectiveJSON(names:forUser:accountPath:)` on a connection the caller holds, so a page
    /// can read its settings and its data in one trip to the database pool.
    ///
    /// Two primary-key lookups; the nearest ancestor is found here from its place in the path.
    /// (A JOIN or UNION ordered in SQL made MariaDB create an on-disk temporary table on every
    /// call, because `value_json` is TEXT.)
    public static func effectiveJSON(names: [String], forUser userID: Int64, accountPath: String, on c: DatabaseConnection) throws -> [String: String] {
        guard !names.isEmpty else { return [:] }
        let ancestors = accountPath.split(separator: "/").compactMap { Int64($0) }
        let keyList = Array(repeating: "?", count: names.count).joined(separator: ", ")
        var found: [String: String] = [:]
        for row in try c.query(
            "SELECT setting_key, value_json FROM user_settings WHERE user_id = ? AND setting_key IN (\(keyList))",
            [userID as any SQLEncodable] + names.map { $0 as any SQLEncodable }) {
            found[try row.get("setting_key")] = try row.get("value_json")
        }
        let missing = names.filter { found[$0] == nil }
        guard !missing.isEmpty, !ancestors.isEmpty else { return found }
        // The path lists ancestors from the root down: a later position is nearer the user.
        let depth = Dictionary(ancestors.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { _, last in last })
        var nearest: [String: (depth: Int, json: String)] = [:]
        let rows = try c.query(
            """
            SELECT account_id, setting_key, value_json FROM account_settings
            WHERE setting_key IN (\(Array(repeating: "?", count: missing.count).joined(separator: ", ")))
              AND account_id IN (\(Array(repeating: "?", count: ancestors.count).joined(separator: ", ")))
            """, missing.map { $0 as any SQLEncodable } + ancestors.map { $0 as any SQLEncodable })
        for row in rows {
            let key: String = try row.get("setting_key")
            let level = depth[try row.get("account_id", as: Int64.self)] ?? -1
            if level > nearest[key]?.depth ?? -1 { nearest[key] = (level, try row.get("value_json")) }
        }
        for (key, value) in nearest { found[key] = value.json }
        return found
    }

    /// `effectiveJSON(names:forUser:accountPath:)` for a user whose account path is not at hand (one query more).
    public func effectiveJSON(names: [String], forUser userID: Int64) async throws -> [String: String] {
        guard let path: String = try await database.query(
            "SELECT a.path FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = ?", userID
        ).first?.get("path") else { throw SettingsError.notFound }
        return try await effectiveJSON(names: names, forUser: userID, accountPath: path)
    }

    /// `key`'s value from `effectiveJSON`'s result, or its default when absent or unreadable.
    public static func value<V>(_ key: SettingKey<V>, in json: [String: String]) -> V {
        guard let text = json[key.name], let value = try? JSONDecoder().decode(V.self, from: Data(text.utf8)) else { return key.defaultValue }
        return value
    }
}
