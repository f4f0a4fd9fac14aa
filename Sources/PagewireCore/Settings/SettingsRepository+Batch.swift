import Foundation

extension SettingsRepository {
    /// The effective values of several keys for a user whose account path is known, in two
    /// queries (user overrides, then every ancestor's overrides, deepest first) instead of
    /// three per key. Keys without any override are absent: the caller uses the key's default.
    public func effectiveJSON(names: [String], forUser userID: Int64, accountPath: String) async throws -> [String: String] {
        guard !names.isEmpty else { return [:] }
        let ancestors = accountPath.split(separator: "/").compactMap { Int64($0) }
        let keyList = Array(repeating: "?", count: names.count).joined(separator: ", ")
        return try await database.withConnection { c in
            var found: [String: String] = [:]
            for row in try c.query(
                "SELECT setting_key, value_json FROM user_settings WHERE user_id = ? AND setting_key IN (\(keyList))",
                [userID as any SQLEncodable] + names.map { $0 as any SQLEncodable }) {
                found[try row.get("setting_key")] = try row.get("value_json")
            }
            let missing = names.filter { found[$0] == nil }
            guard !missing.isEmpty, !ancestors.isEmpty else { return found }
            let missingList = Array(repeating: "?", count: missing.count).joined(separator: ", ")
            let ancestorList = Array(repeating: "?", count: ancestors.count).joined(separator: ", ")
            let rows = try c.query(
                """
                SELECT s.setting_key, s.value_json FROM account_settings s JOIN accounts a ON a.id = s.account_id
                WHERE s.setting_key IN (\(missingList)) AND s.account_id IN (\(ancestorList)) ORDER BY LENGTH(a.path) DESC
                """, missing.map { $0 as any SQLEncodable } + ancestors.map { $0 as any SQLEncodable })
            for row in rows {
                let key: String = try row.get("setting_key")
                if found[key] == nil { found[key] = try row.get("value_json") }
            }
            return found
        }
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
