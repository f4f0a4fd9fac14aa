import Foundation

/// How long a company's documents and fax metadata are kept.
///
/// As in the ICTFax guide: the platform sets each company's minimum and maximum days, the
/// company picks a value within them, and with none picked the maximum applies. Metadata (the
/// fax rows, and the document rows that answer "document expired") is kept for `metadataDays`,
/// and never shorter than the content.
public struct RetentionPolicy: Sendable, Equatable {
    /// The shortest retention the company may pick (set by the platform).
    public var minDays: Int
    /// The longest retention the company may pick, and the default (set by the platform).
    public var maxDays: Int
    /// The company's own choice; nil means the maximum.
    public var chosenDays: Int?
    /// Days fax metadata is kept after creation (90 unless configured).
    public var metadataDays: Int

    /// A policy; `chosenDays` nil means the maximum.
    public init(minDays: Int, maxDays: Int, chosenDays: Int? = nil, metadataDays: Int = 90) {
        self.minDays = minDays
        self.maxDays = maxDays
        self.chosenDays = chosenDays
        self.metadataDays = metadataDays
    }

    /// Limits for companies the platform set nothing for.
    public static let platformDefault = RetentionPolicy(minDays: 1, maxDays: 30, metadataDays: 90)

    /// Days documents are kept: the choice clamped into the limits (limits may narrow after a choice).
    public var effectiveDays: Int { min(max(chosenDays ?? maxDays, minDays), maxDays) }

    /// Days metadata is kept.
    public var effectiveMetadataDays: Int { max(metadataDays, effectiveDays) }
}

/// Reads and changes retention policies; every change is audited.
public struct RetentionPolicies: Sendable {
    /// Where policies live.
    public let database: Database
    /// Limits for companies without a row.
    public let defaults: RetentionPolicy

    /// Policies over `database`, with `defaults` for companies without a row.
    public init(database: Database, defaults: RetentionPolicy = .platformDefault) {
        self.database = database
        self.defaults = defaults
    }

    /// The company's policy (the platform defaults when nothing was set).
    public func policy(companyID: Int64) async throws -> RetentionPolicy {
        guard let row = try await database.query(
            "SELECT min_days, max_days, chosen_days, metadata_days FROM retention_policies WHERE company_id = ?", companyID
        ).first else { return defaults }
        return try Self.policy(from: row, defaults: defaults)
    }

    /// The platform sets a company's limits (and optionally its metadata days).
    public func setLimits(
        companyID: Int64, minDays: Int, maxDays: Int, metadataDays: Int? = nil, actor: AuditActor, now: Date = Date()
    ) async throws {
        guard minDays >= 1, minDays <= maxDays, metadataDays.map({ $0 >= 1 }) ?? true else {
            throw VaultError.invalidRetentionLimits(minDays: minDays, maxDays: maxDays)
        }
        try await database.transaction { connection in
            try Self.requireCompany(companyID, on: connection)
            try connection.execute(
                """
                INSERT INTO retention_policies (company_id, min_days, max_days, metadata_days, updated_at) VALUES (?, ?, ?, ?, ?)
                ON DUPLICATE KEY UPDATE min_days = VALUES(min_days), max_days = VALUES(max_days),
                    metadata_days = VALUES(metadata_days), updated_at = VALUES(updated_at)
                """,
                companyID, minDays, maxDays, metadataDays, now)
            try AuditLog.record(
                on: connection, accountID: companyID, actor: actor, action: .retentionChange, targetType: "company",
                targetID: String(companyID),
                detail: "limits \(minDays)...\(maxDays) days, metadata \(metadataDays.map(String.init) ?? "default") days", at: now)
        }
    }

    /// The company picks its retention within the limits; nil returns to the maximum.
    public func choose(companyID: Int64, days: Int?, actor: AuditActor, now: Date = Date()) async throws {
        let defaults = self.defaults
        try await database.transaction { connection in
            try Self.requireCompany(companyID, on: connection)
            let current = try connection.query(
                "SELECT min_days, max_days, chosen_days, metadata_days FROM retention_policies WHERE company_id = ? FOR UPDATE", companyID
            ).first.map { try Self.policy(from: $0, defaults: defaults) } ?? defaults
            if let days, days < current.minDays || days > current.maxDays {
                throw VaultError.retentionOutOfRange(days: days, minDays: current.minDays, maxDays: current.maxDays)
            }
            try connection.execute(
                """
                INSERT INTO retention_policies (company_id, min_days, max_days, chosen_days, metadata_days, updated_at)
                VALUES (?, ?, ?, ?, NULL, ?)
                ON DUPLICATE KEY UPDATE chosen_days = VALUES(chosen_days), updated_at = VALUES(updated_at)
                """,
                companyID, current.minDays, current.maxDays, days, now)
            try AuditLog.record(
                on: connection, accountID: companyID, actor: actor, action: .retentionChange, targetType: "company",
                targetID: String(companyID), detail: "retention \(days.map { "\($0) days" } ?? "maximum")", at: now)
        }
    }

    static func policy(from row: SQLRow, defaults: RetentionPolicy) throws -> RetentionPolicy {
        RetentionPolicy(
            minDays: try row.get("min_days"), maxDays: try row.get("max_days"), chosenDays: try row.optional("chosen_days"),
            metadataDays: try row.optional("metadata_days") ?? defaults.metadataDays)
    }

    static func requireCompany(_ companyID: Int64, on connection: DatabaseConnection) throws {
        let kind = try connection.query("SELECT kind FROM accounts WHERE id = ?", companyID).first?.get("kind", as: String.self)
        guard kind == "company" else { throw VaultError.notACompany(accountID: companyID) }
    }
}
