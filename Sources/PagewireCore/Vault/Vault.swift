import Foundation

/// The document vault's services, built once per process from the configuration.
///
/// `open` reads the platform transit key file named by `vault.transit_key_file`, creating it
/// (0600, in a 0700 directory) when missing; `pagewire-jobs` calls it at start-up so that
/// `scripts/run` gets a key file on first boot.
public struct Vault: Sendable {
    /// Encrypted documents.
    public let documents: DocumentStore
    /// Company and user keys.
    public let keyring: CompanyKeyring
    /// Unlocked user keys held for signed-in sessions.
    public let sessions: VaultSessions
    /// Retention limits and choices.
    public let retention: RetentionPolicies
    /// The audit log.
    public let audit: AuditLog

    /// Builds the services over one database and transit keyring.
    public init(database: Database, transit: TransitKeyring, kdfParameters: Argon2id.Parameters = .interactive, retentionDefaults: RetentionPolicy = .platformDefault) {
        documents = DocumentStore(database: database, transit: transit)
        keyring = CompanyKeyring(database: database, kdfParameters: kdfParameters)
        sessions = VaultSessions(database: database)
        retention = RetentionPolicies(database: database, defaults: retentionDefaults)
        audit = AuditLog(database: database)
    }

    /// Builds the vault for a process, creating the transit key file when it does not exist.
    public static func open(database: Database, configuration: Configuration) throws -> Vault {
        Vault(database: database, transit: try TransitKeyring.loadOrCreate(path: configuration.vaultTransitKeyFile))
    }

    /// The retention purge job with this vault's defaults and the given metadata purges.
    public func retentionPurge(metadataPurges: [RetentionPurge.MetadataPurge] = []) -> RetentionPurge {
        RetentionPurge(database: documents.database, defaults: retention.defaults, metadataPurges: metadataPurges)
    }
}
