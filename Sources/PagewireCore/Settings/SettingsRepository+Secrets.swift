import Foundation

extension SettingsRepository {
    /// Seals every clear credential in the delivery settings (`inbound.sftp`, `inbound.https`,
    /// `archive`) of every account and user: values stored before sealing, or written by a
    /// tool that did not seal. `pagewire-jobs` runs it at start-up; returns how many rows changed.
    /// Rows are rewritten without an audit row: the value a user set is unchanged.
    public func sealClearSecrets(transit: TransitKeyring) async throws -> Int {
        var changed = 0
        for table in ["account_settings", "user_settings"] {
            let owner = table == "account_settings" ? "account_id" : "user_id"
            let rows = try await database.query(
                "SELECT \(owner) AS owner, setting_key, value_json FROM \(table) WHERE setting_key IN (?, ?, ?)",
                Settings.inboundSFTP.name, Settings.inboundHTTPS.name, Settings.archive.name)
            for row in rows {
                let name: String = try row.get("setting_key")
                let json: String = try row.get("value_json")
                guard let sealed = try Self.sealedJSON(name: name, json: json, transit: transit), sealed != json else { continue }
                try await database.execute(
                    "UPDATE \(table) SET value_json = ? WHERE \(owner) = ? AND setting_key = ? AND value_json = ?",
                    sealed, try row.get("owner", as: Int64.self), name, json)
                changed += 1
            }
        }
        return changed
    }

    /// The JSON of a delivery setting with its credentials sealed; nil for `null` (no credentials)
    /// or a value that does not decode.
    static func sealedJSON(name: String, json: String, transit: TransitKeyring) throws -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = Data(json.utf8)
        switch name {
        case Settings.inboundSFTP.name:
            guard let value = try? JSONDecoder().decode(InboundSFTPTarget?.self, from: data) else { return nil }
            return String(decoding: try encoder.encode(try value.sealed(as: name, transit: transit)), as: UTF8.self)
        case Settings.inboundHTTPS.name:
            guard let value = try? JSONDecoder().decode(InboundHTTPSTarget?.self, from: data) else { return nil }
            return String(decoding: try encoder.encode(try value.sealed(as: name, transit: transit)), as: UTF8.self)
        case Settings.archive.name:
            guard var value = try? JSONDecoder().decode(FaxArchive?.self, from: data) else { return nil }
            value.sftp = try value.sftp?.sealed(as: "archive.sftp", transit: transit)
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        default:
            return nil
        }
    }
}
