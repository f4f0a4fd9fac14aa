import Foundation
import PagewireCore

/// The settings `/v1` reads and writes as JSON, type-erased over their `SettingKey`s. The
/// security policy and the blocklist are not here: they need their own rights (portal tabs).
struct SettingsCatalog {
    struct Entry: Sendable {
        let name: String
        /// The effective value and where it comes from.
        let read: @Sendable (SettingsRepository, Int64, AccountScope) async throws -> (value: any Encodable & Sendable, origin: SettingOrigin)
        /// Overrides the key from a JSON body `{"value": …}` (throws `SettingField.Invalid` for the wrong type).
        let write: @Sendable (SettingsRepository, Data, Int64, AccountScope, AuditActor) async throws -> Void
        let reset: @Sendable (SettingsRepository, Int64, AccountScope, AuditActor) async throws -> Void
        /// Set only at the platform or a reseller (a company's maximum inventory).
        let providerOnly: Bool
    }

    static func entry<V>(_ key: SettingKey<V>, providerOnly: Bool = false) -> Entry {
        Entry(
            name: key.name,
            read: { settings, account, scope in
                let resolved = try await settings.effective(key, forAccount: account, scope: scope)
                return (resolved.value, resolved.origin)
            },
            write: { settings, data, account, scope, actor in
                let value: V
                do { value = try APIJSON.decoder.decode(Body<V>.self, from: data).value } catch {
                    throw SettingField.Invalid(description: "\(key.name) needs a value of its type: {\"value\": …}")
                }
                try await settings.set(key, to: value, atAccount: account, scope: scope, by: actor)
            },
            reset: { settings, account, scope, actor in try await settings.reset(key, atAccount: account, scope: scope, by: actor) },
            providerOnly: providerOnly)
    }

    struct Body<V: Decodable>: Decodable {
        var value: V
    }

    static let entries: [Entry] = [
        entry(Settings.inboundFileType), entry(Settings.pageSeparation), entry(Settings.metadata), entry(Settings.requireSPF),
        entry(Settings.coverPageTemplate), entry(Settings.coverPageBehaviour), entry(Settings.coverPageRestrictToAssigned),
        entry(Settings.notifications), entry(Settings.welcomeMessageDefault), entry(Settings.timeZone), entry(Settings.dateFormat), entry(Settings.timeFormat),
        entry(Settings.dailyFaxLimit), entry(Settings.monthlyFaxLimit), entry(Settings.retryPolicy),
        entry(Settings.maximumNumberInventory, providerOnly: true),
    ]

    static func find(_ name: String) -> Entry? { entries.first { $0.name == name } }
}
