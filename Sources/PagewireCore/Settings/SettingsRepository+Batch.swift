import Foundation

extension SettingsRepository {
    /// The effective values of several keys for a user whose account path is known, in one
    /// query (the user's overrides and every ancestor's, nearest first) instead of three per
    /// key. Keys without any override are absent: the caller uses the key's default.
    public func effectiveJSON(names: [String], forUser userID: Int64, accountPath: String) async throws -> [String: String] {
        guard !names.isEmpty else { return [:] }
        return try await database.withConnection { c in
            try Self.effectiveJSON(names: names, forUser: userID, accountPath: accountPath, on: c)
        }
    }

    /// `effectiveJSON(names:forUser:accountPath:)` on a connection the caller holds, so a page
    /// can read its settings and its data in one trip to the database pool.
    public static func effectiveJSON(names: [String], forUser userID: Int64, accountPath: String, on c: DatabaseConnection) throws -> [String: String] {
        guard !names.isEmpty else { return [:] }
        let ancestors = accountPath.split(separator: "/").compactMap { Int64($0) }
        let keyList = Array(repeating: "?", count: names.count).joined(separator: ", ")
        var sql = "SELECT setting_key, value_json, 1000000 AS depth FROM user_settings WHERE user_id = ? AND setting_key IN (\(keyList))"
        var binds: [any SQLEncodable] = [userID] + names.map { $0 as any SQLEncodable }
        if !ancestors.isEmpty {
            // An ancestor's path is a prefix of its descendants': the longer, the nearer.
            sql += """
                 UNION ALL SELECT s.setting_key, s.value_json, LENGTH(a.path) FROM account_settings s JOIN accounts a ON a.id = s.account_id
                 WHERE s.setting_key IN (\(keyList)) AND s.account_id IN (\(Array(repeating: "?", count: ancestors.count).joined(separator: ", ")))
                """
            binds += names.map { $0 as any SQLEncodable } + ancestors.map { $0 as any SQLEncodable }
        }
        sql += " ORDER BY depth DESC"
        var found: [String: String] = [:]
        for row in try c.query(sql, binds) {
            let key: String = try row.get("setting_key")
            if found[key] == nil { found[key] = try row.get("value_json") }
        }
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
