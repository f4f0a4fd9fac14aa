import Foundation

/// Who did something recorded in the audit log.
public struct AuditActor: Sendable, Equatable {
    /// What kind of principal acted.
    public enum Kind: String, Sendable {
        case user, system, apiApp = "api_app"
    }

    /// The kind of principal.
    public var kind: Kind
    /// The acting user, for `.user`.
    public var userID: Int64?
    /// A readable name (username, app name, job name); never a secret.
    public var label: String
    /// The client address, when the action came over the network.
    public var ip: String?

    /// An actor; prefer `.user` and `.system`.
    public init(kind: Kind, userID: Int64? = nil, label: String, ip: String? = nil) {
        self.kind = kind
        self.userID = userID
        self.label = label
        self.ip = ip
    }

    /// A signed-in user.
    public static func user(_ id: Int64, label: String, ip: String? = nil) -> AuditActor {
        AuditActor(kind: .user, userID: id, label: label, ip: ip)
    }

    /// The platform itself (a job or the scheduler), named by what it was doing.
    public static func system(_ label: String) -> AuditActor {
        AuditActor(kind: .system, label: label)
    }
}

/// The actions the audit log records.
public enum AuditAction: String, Sendable, CaseIterable {
    case signIn = "auth.sign_in"
    case signInFailed = "auth.sign_in_failed"
    case documentView = "document.view"
    case documentDownload = "document.download"
    /// The system opened a document with its transit copy while the company is in managed mode.
    case documentSystemDecrypt = "document.system_decrypt"
    case documentDelete = "document.delete"
    case settingsChange = "settings.change"
    case retentionChange = "settings.retention"
    case vaultModeChange = "settings.vault_mode"
    case vaultCreate = "key.vault_create"
    case keyEnroll = "key.enroll"
    case keyGrant = "key.grant"
    case keyRevoke = "key.revoke"
    case keyRotate = "key.rotate"
    case keyReset = "key.reset"
    case keyRecoveryUse = "key.recovery_use"
    case keyRecoveryReplace = "key.recovery_replace"
    case passwordChange = "key.password_change"
    /// An administrator changed users, admins, the tree, numbers or trunks (the detail names the operation).
    case adminChange = "admin.change"

    // API apps and their tokens (issue 11)
    case appCreate = "app.create"
    case appChange = "app.change"
    case appDelete = "app.delete"
    case appSecretAdd = "app.secret_add"
    case appSecretDelete = "app.secret_delete"
    /// A bearer token was refused (bad signature, expired, wrong issuer or audience, …).
    case tokenRefused = "auth.token_refused"
    /// `/oauth/token` refused a request (unknown client, wrong secret, bad grant or scope, rate limit).
    case tokenRequestRefused = "auth.token_request_refused"
}

/// One audit log row.
public struct AuditEntry: Sendable, Equatable {
    /// The row id (increasing).
    public var id: Int64
    /// When it happened (UTC).
    public var at: Date
    /// The account the action concerned (a company, department, reseller…).
    public var accountID: Int64
    /// Who did it, and from where.
    public var actor: AuditActor
    /// The `AuditAction` raw value (kept as text so old rows stay readable).
    public var action: String
    /// What was acted on, e.g. `document` / `42`.
    public var targetType: String
    /// The id of what was acted on.
    public var targetID: String
    /// A short description without content or secrets.
    public var detail: String
}

/// Filters for reading the audit log of a subtree.
public struct AuditFilter: Sendable {
    /// Rows at or after this time.
    public var from: Date?
    /// Rows before this time.
    public var until: Date?
    /// Only these actions; empty means all.
    public var actions: [AuditAction]
    /// Only actions of this user.
    public var actorUserID: Int64?
    /// Only rows about this account (inside the scope).
    public var accountID: Int64?
    /// Only actions from this address.
    public var ip: String?

    /// A filter; every criterion is optional.
    public init(from: Date? = nil, until: Date? = nil, actions: [AuditAction] = [], actorUserID: Int64? = nil, accountID: Int64? = nil, ip: String? = nil) {
        self.from = from
        self.until = until
        self.actions = actions
        self.actorUserID = actorUserID
        self.accountID = accountID
        self.ip = ip
    }
}

/// The append-only audit log: sign-ins, document views and downloads, settings and key changes.
///
/// Rows are only ever inserted (triggers refuse UPDATE and DELETE). Reading is always scoped to
/// an administrator's subtree by `accounts.path` prefix.
public struct AuditLog: Sendable {
    /// Where the log lives.
    public let database: Database

    /// The audit log in `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Appends one row on `connection` (inside the caller's transaction, so the row commits with the change).
    public static func record(
        on connection: DatabaseConnection, accountID: Int64, actor: AuditActor, action: AuditAction,
        targetType: String = "", targetID: String = "", detail: String = "", at: Date = Date()
    ) throws {
        try connection.execute(
            """
            INSERT INTO audit_log (at, account_id, actor_kind, actor_user_id, actor_label, action, target_type, target_id, ip, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            at, accountID, actor.kind.rawValue, actor.userID, String(actor.label.prefix(254)), action.rawValue,
            String(targetType.prefix(32)), String(targetID.prefix(64)), actor.ip.map { String($0.prefix(45)) },
            String(detail.prefix(1000)))
    }

    /// Appends one row.
    public func record(
        accountID: Int64, actor: AuditActor, action: AuditAction,
        targetType: String = "", targetID: String = "", detail: String = "", at: Date = Date()
    ) async throws {
        try await database.withConnection { connection in
            try Self.record(
                on: connection, accountID: accountID, actor: actor, action: action,
                targetType: targetType, targetID: targetID, detail: detail, at: at)
        }
    }

    /// Rows of the subtree whose root path is `scopePath` (e.g. `/1/4/`), newest first.
    public func entries(scopePath: String, filter: AuditFilter = AuditFilter(), limit: Int = 100, offset: Int = 0) async throws -> [AuditEntry] {
        // The WHERE clause is built from fixed fragments only; every value is bound.
        var sql = """
            SELECT l.id, l.at, l.account_id, l.actor_kind, l.actor_user_id, l.actor_label, l.action,
                   l.target_type, l.target_id, l.ip, l.detail
            FROM audit_log l JOIN accounts a ON a.id = l.account_id
            WHERE a.path LIKE ?
            """
        var binds: [any SQLEncodable] = [Self.likePrefix(scopePath)]
        if let from = filter.from { sql += " AND l.at >= ?"; binds.append(from) }
        if let until = filter.until { sql += " AND l.at < ?"; binds.append(until) }
        if let user = filter.actorUserID { sql += " AND l.actor_user_id = ?"; binds.append(user) }
        if let account = filter.accountID { sql += " AND l.account_id = ?"; binds.append(account) }
        if let ip = filter.ip { sql += " AND l.ip = ?"; binds.append(ip) }
        if !filter.actions.isEmpty {
            sql += " AND l.action IN (" + Array(repeating: "?", count: filter.actions.count).joined(separator: ", ") + ")"
            binds += filter.actions.map(\.rawValue) as [any SQLEncodable]
        }
        sql += " ORDER BY l.at DESC, l.id DESC LIMIT ? OFFSET ?"
        binds += [max(0, limit), max(0, offset)] as [any SQLEncodable]
        let query = sql
        let values = binds
        return try await database.withConnection { connection in
            try connection.query(query, values).map { row in
                AuditEntry(
                    id: try row.get("id"), at: try row.get("at"), accountID: try row.get("account_id"),
                    actor: AuditActor(
                        kind: AuditActor.Kind(rawValue: try row.get("actor_kind")) ?? .system,
                        userID: try row.optional("actor_user_id"), label: try row.get("actor_label"),
                        ip: try row.optional("ip")),
                    action: try row.get("action"), targetType: try row.get("target_type"),
                    targetID: try row.get("target_id"), detail: try row.get("detail"))
            }
        }
    }

    /// The same rows as CSV (RFC 4180, header line first), for export.
    public func csv(scopePath: String, filter: AuditFilter = AuditFilter(), limit: Int = 100_000) async throws -> String {
        let rows = try await entries(scopePath: scopePath, filter: filter, limit: limit)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var lines = ["time,account_id,actor_kind,actor_user_id,actor,ip,action,target_type,target_id,detail"]
        for e in rows {
            let fields = [
                formatter.string(from: e.at), String(e.accountID), e.actor.kind.rawValue,
                e.actor.userID.map(String.init) ?? "", e.actor.label, e.actor.ip ?? "", e.action,
                e.targetType, e.targetID, e.detail,
            ]
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Quotes a CSV field, and defuses spreadsheet formulas (a leading = + - @).
    static func csvField(_ value: String) -> String {
        var v = value
        if let first = v.first, "=+-@\t\r".contains(first) { v = "'" + v }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || v != value {
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }

    /// `path` with LIKE wildcards escaped, followed by `%`.
    static func likePrefix(_ path: String) -> String {
        path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }
}
