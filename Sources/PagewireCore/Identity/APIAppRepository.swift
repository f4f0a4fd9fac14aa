import Crypto
import Foundation

/// API app registrations (`api_apps`), their client secrets and refresh tokens.
///
/// Every call takes the caller's scope (the subtree of the administrator's `apps` grant): an app is
/// visible when the user it acts as sits inside that subtree, so another tenant's app id reads as
/// not found. Client ids are `pwc_` + 24 base62 characters; secrets `pws_` + 40 (about 238 bits),
/// stored as SHA-256 digests and compared in constant time.
public struct APIAppRepository: Sendable {
    /// Where apps live.
    public let database: Database

    /// A repository over `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Apps a company may register unless the platform lifted its limit (the guide's default).
    public static let defaultMaxAppsPerCompany = 25
    /// The highest limit the platform may grant a company (the guide's platform maximum).
    public static let platformMaxAppsPerCompany = 60
    /// Bounds of an access token's lifetime.
    public static let accessTokenLifetimes = 60...86400
    /// Bounds of a refresh token's lifetime.
    public static let refreshTokenLifetimes = 3600...(365 * 86400)
    /// Bounds of a client secret's lifetime.
    public static let secretLifetimes = 3600...(730 * 86400)
    /// Live secrets an app may hold at once.
    public static let maxLiveSecrets = 2

    // MARK: - Registrations

    /// Registers an app of the company that `scope` belongs to, acting as `draft.actingUser`.
    public func create(_ draft: APIAppDraft, scope: AccountScope, createdBy: Int64?, now: Date = Date()) async throws -> APIApp {
        let fields = try Self.validated(draft)
        let clientID = "pwc_" + APITokenRepository.randomBase62(count: 24)
        return try await database.transaction { c in
            let (userID, companyID) = try Self.actingUser(c, draft.actingUser, resources: fields.resources, scope: scope)
            // Lock the company row so two registrations cannot both take the last place.
            _ = try c.query("SELECT id FROM accounts WHERE id = ? FOR UPDATE", companyID)
            let limit = try Self.limit(c, companyID: companyID)
            let count: Int64 = try c.query("SELECT COUNT(*) AS n FROM api_apps WHERE company_id = ?", companyID)[0].get("n")
            guard count < limit else { throw APIAppError.limitReached(limit) }
            let id = Int64(try c.execute(
                """
                INSERT INTO api_apps (company_id, client_id, name, description, acting_user_id, resources, access_token_seconds,
                    refresh_tokens, refresh_token_seconds, external_issuer, metadata_url, audience, created_at, created_by_user_id, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                companyID, clientID, fields.name, fields.description, userID, Self.encode(fields.resources),
                Int64(draft.accessTokenSeconds), draft.refreshTokens, Int64(draft.refreshTokenSeconds),
                fields.issuer, fields.metadataURL, fields.audience, now, createdBy, now).lastInsertID)
            try AuditLog.record(on: c, accountID: companyID, actor: Self.actor(createdBy), action: .appCreate,
                                targetType: "api_app", targetID: String(id), detail: "registered \(fields.name)", at: now)
            return try Self.fetch(c, id: id, scope: nil)!
        }
    }

    /// Changes an app's registration; its client id and secrets stay.
    public func update(id: Int64, _ draft: APIAppDraft, scope: AccountScope, changedBy: Int64?, now: Date = Date()) async throws -> APIApp {
        let fields = try Self.validated(draft)
        return try await database.transaction { c in
            guard let app = try Self.fetch(c, id: id, scope: scope, lock: true) else { throw APIAppError.notFound }
            let (userID, companyID) = try Self.actingUser(c, draft.actingUser, resources: fields.resources, scope: scope)
            guard companyID == app.companyID else {
                throw APIAppError.invalid(field: "acting_user", reason: "the user must belong to the app's company")
            }
            try c.execute(
                """
                UPDATE api_apps SET name = ?, description = ?, acting_user_id = ?, resources = ?, access_token_seconds = ?,
                    refresh_tokens = ?, refresh_token_seconds = ?, external_issuer = ?, metadata_url = ?, audience = ?, updated_at = ?
                WHERE id = ?
                """,
                fields.name, fields.description, userID, Self.encode(fields.resources), Int64(draft.accessTokenSeconds),
                draft.refreshTokens, Int64(draft.refreshTokenSeconds), fields.issuer, fields.metadataURL, fields.audience, now, id)
            if !draft.refreshTokens {
                try c.execute("DELETE FROM api_refresh_tokens WHERE app_id = ?", id)
            }
            try AuditLog.record(on: c, accountID: app.companyID, actor: Self.actor(changedBy), action: .appChange,
                                targetType: "api_app", targetID: String(id), detail: "changed \(fields.name)", at: now)
            return try Self.fetch(c, id: id, scope: nil)!
        }
    }

    /// Deletes an app with its secrets and refresh tokens; its access tokens stop working at once.
    public func delete(id: Int64, scope: AccountScope, deletedBy: Int64?, now: Date = Date()) async throws {
        try await database.transaction { c in
            guard let app = try Self.fetch(c, id: id, scope: scope, lock: true) else { throw APIAppError.notFound }
            try c.execute("DELETE FROM api_apps WHERE id = ?", id)
            try AuditLog.record(on: c, accountID: app.companyID, actor: Self.actor(deletedBy), action: .appDelete,
                                targetType: "api_app", targetID: String(id), detail: "deleted \(app.name)", at: now)
        }
    }

    /// The app `id` inside `scope`.
    public func get(_ id: Int64, scope: AccountScope) async throws -> APIApp? {
        try await database.withConnection { c in try Self.fetch(c, id: id, scope: scope) }
    }

    /// The apps inside `scope`, by name.
    public func list(scope: AccountScope) async throws -> [APIApp] {
        try await database.query(
            """
            SELECT \(APIApp.columns) FROM api_apps a JOIN users u ON u.id = a.acting_user_id JOIN accounts ua ON ua.id = u.account_id
            WHERE ua.path LIKE ? ORDER BY a.name, a.id
            """, scope.pathPattern
        ).map { try APIApp(row: $0) }
    }

    /// The app with OAuth client id `clientID` (unscoped: the token endpoint and the verifier use it).
    public func find(clientID: String) async throws -> APIApp? {
        guard clientID.utf8.count <= 40 else { return nil }
        return try await database.query("SELECT \(APIApp.columns) FROM api_apps a WHERE a.client_id = ?", clientID)
            .first.map { try APIApp(row: $0) }
    }

    /// The apps that accept tokens of external issuer `issuer` (unscoped, for the verifier).
    public func find(externalIssuer issuer: String) async throws -> [APIApp] {
        guard issuer.utf8.count <= 500 else { return [] }
        return try await database.query("SELECT \(APIApp.columns) FROM api_apps a WHERE a.external_issuer = ? ORDER BY a.id", issuer)
            .map { try APIApp(row: $0) }
    }

    /// How many apps `companyID` may register.
    public func maxApps(companyID: Int64) async throws -> Int {
        try await database.withConnection { c in try Self.limit(c, companyID: companyID) }
    }

    /// Lifts or lowers a company's app limit (platform operators only; at most the platform maximum).
    public func setMaxApps(companyID: Int64, to limit: Int, scope: AccountScope) async throws {
        guard (1...Self.platformMaxAppsPerCompany).contains(limit) else {
            throw APIAppError.invalid(field: "max_apps", reason: "between 1 and \(Self.platformMaxAppsPerCompany)")
        }
        try await database.transaction { c in
            guard let account = try AccountRepository.fetch(c, id: companyID, scope: scope), account.kind == .company else {
                throw APIAppError.notFound
            }
            try c.execute("INSERT INTO api_app_limits (company_id, max_apps) VALUES (?, ?) ON DUPLICATE KEY UPDATE max_apps = VALUES(max_apps)",
                          account.id, Int64(limit))
        }
    }

    // MARK: - Client secrets

    /// Adds a client secret living `lifetimeSeconds` (the guide's "add" and "rotate"): older live
    /// secrets keep working until they expire or are deleted. Refused when two are live already.
    public func addSecret(appID: Int64, lifetimeSeconds: Int, scope: AccountScope, actor: Int64?, now: Date = Date()) async throws -> IssuedAPIAppSecret {
        guard Self.secretLifetimes.contains(lifetimeSeconds) else {
            throw APIAppError.invalid(field: "lifetime_seconds", reason: "between 1 hour and 730 days")
        }
        let secret = "pws_" + APITokenRepository.randomBase62(count: 40)
        return try await database.transaction { c in
            guard let app = try Self.fetch(c, id: appID, scope: scope, lock: true) else { throw APIAppError.notFound }
            try c.execute("DELETE FROM api_app_secrets WHERE app_id = ? AND expires_at <= ?", appID, now)
            let live: Int64 = try c.query("SELECT COUNT(*) AS n FROM api_app_secrets WHERE app_id = ?", appID)[0].get("n")
            guard live < Self.maxLiveSecrets else { throw APIAppError.tooManySecrets }
            let id = Int64(try c.execute(
                "INSERT INTO api_app_secrets (app_id, secret_prefix, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                appID, String(secret.prefix(10)), APITokenRepository.digest(secret), now,
                now.addingTimeInterval(TimeInterval(lifetimeSeconds))).lastInsertID)
            try AuditLog.record(on: c, accountID: app.companyID, actor: Self.actor(actor), action: .appSecretAdd,
                                targetType: "api_app", targetID: String(appID), detail: "client secret \(id) added", at: now)
            let row = try c.query("SELECT \(APIAppSecret.columns) FROM api_app_secrets s WHERE s.id = ?", id)[0]
            return IssuedAPIAppSecret(record: try APIAppSecret(row: row), secret: secret)
        }
    }

    /// The live secrets of app `appID`, oldest first.
    public func secrets(appID: Int64, scope: AccountScope, now: Date = Date()) async throws -> [APIAppSecret] {
        try await database.withConnection { c in
            guard try Self.fetch(c, id: appID, scope: scope) != nil else { throw APIAppError.notFound }
            return try c.query("SELECT \(APIAppSecret.columns) FROM api_app_secrets s WHERE s.app_id = ? AND s.expires_at > ? ORDER BY s.id",
                               appID, now).map { try APIAppSecret(row: $0) }
        }
    }

    /// Deletes a secret; it stops working at once.
    public func deleteSecret(appID: Int64, secretID: Int64, scope: AccountScope, actor: Int64?, now: Date = Date()) async throws {
        try await database.transaction { c in
            guard let app = try Self.fetch(c, id: appID, scope: scope, lock: true) else { throw APIAppError.notFound }
            guard try c.execute("DELETE FROM api_app_secrets WHERE id = ? AND app_id = ?", secretID, appID).affectedRows == 1 else {
                throw APIAppError.notFound
            }
            try AuditLog.record(on: c, accountID: app.companyID, actor: Self.actor(actor), action: .appSecretDelete,
                                targetType: "api_app", targetID: String(appID), detail: "client secret \(secretID) deleted", at: now)
        }
    }

    /// The app whose client id and secret these are, when the secret is live and the acting user
    /// is active; nil otherwise. Every live secret is compared, in constant time.
    public func authenticateClient(clientID: String, secret: String, now: Date = Date()) async throws -> APIApp? {
        guard clientID.utf8.count <= 40, secret.utf8.count <= 100 else { return nil }
        let presented = Array(SHA256.hash(data: Array(secret.utf8)).map { String(format: "%02x", $0) }.joined().utf8)
        return try await database.withConnection { c -> APIApp? in
            guard let row = try c.query(
                "SELECT \(APIApp.columns), u.status FROM api_apps a JOIN users u ON u.id = a.acting_user_id WHERE a.client_id = ?", clientID
            ).first else { return nil }
            let app = try APIApp(row: row)
            guard try row.get("status", as: String.self) == User.Status.active.rawValue else { return nil }
            var matched: Int64?
            for s in try c.query("SELECT id, secret_hash, last_used_at FROM api_app_secrets WHERE app_id = ? AND expires_at > ?", app.id, now) {
                if Self.constantTimeEqual(Array(try s.get("secret_hash", as: String.self).utf8), presented) {
                    matched = try s.get("id")
                    let last: Date? = try s.optional("last_used_at")
                    if last.map({ now.timeIntervalSince($0) > 60 }) ?? true {
                        try c.execute("UPDATE api_app_secrets SET last_used_at = ? WHERE id = ?", now, matched!)
                    }
                }
            }
            return matched == nil ? nil : app
        }
    }

    // MARK: - Refresh tokens

    /// Stores a new refresh token for `app` and returns it (`pwr_…`).
    public func issueRefreshToken(app: APIApp, now: Date = Date()) async throws -> String {
        let token = "pwr_" + APITokenRepository.randomBase62(count: 40)
        try await database.execute(
            "INSERT INTO api_refresh_tokens (app_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)",
            app.id, APITokenRepository.digest(token), now, now.addingTimeInterval(TimeInterval(app.refreshTokenSeconds)))
        return token
    }

    /// Uses up refresh token `token` of `app`: true when it was live, unused, and the app still
    /// issues refresh tokens. A used token never works again.
    public func redeemRefreshToken(_ token: String, app: APIApp, now: Date = Date()) async throws -> Bool {
        guard app.refreshTokens, token.hasPrefix("pwr_"), token.utf8.count < 100 else { return false }
        return try await database.execute(
            "UPDATE api_refresh_tokens SET used_at = ? WHERE token_hash = ? AND app_id = ? AND used_at IS NULL AND expires_at > ?",
            now, APITokenRepository.digest(token), app.id, now).affectedRows == 1
    }

    // MARK: - Helpers

    static func fetch(_ c: DatabaseConnection, id: Int64, scope: AccountScope?, lock: Bool = false) throws -> APIApp? {
        if let scope {
            return try c.query(
                """
                SELECT \(APIApp.columns) FROM api_apps a JOIN users u ON u.id = a.acting_user_id JOIN accounts ua ON ua.id = u.account_id
                WHERE a.id = ? AND ua.path LIKE ?\(lock ? " FOR UPDATE" : "")
                """, id, scope.pathPattern
            ).first.map { try APIApp(row: $0) }
        }
        return try c.query("SELECT \(APIApp.columns) FROM api_apps a WHERE a.id = ?", id).first.map { try APIApp(row: $0) }
    }

    static func limit(_ c: DatabaseConnection, companyID: Int64) throws -> Int {
        let limit: Int64? = try c.query("SELECT max_apps FROM api_app_limits WHERE company_id = ?", companyID).first?.get("max_apps")
        return limit.map { min(Int($0), platformMaxAppsPerCompany) } ?? defaultMaxAppsPerCompany
    }

    /// The acting user named by `login` (username, e-mail, or numeric id): active, inside `scope`,
    /// in a company, and an administrator when a resource needs one (the guide's "Validate").
    static func actingUser(_ c: DatabaseConnection, _ login: String, resources: Set<APIResource>, scope: AccountScope) throws -> (Int64, Int64) {
        let login = login.trimmingCharacters(in: .whitespaces)
        let invalid = APIAppError.invalid(field: "acting_user", reason: "no active user '\(login.prefix(60))' in your part of the company")
        guard !login.isEmpty, login.count <= 254 else { throw invalid }
        let rows = try c.query(
            """
            SELECT u.id, u.status, a.company_id,
                EXISTS (SELECT 1 FROM admin_grants g WHERE g.user_id = u.id) AS is_admin
            FROM users u JOIN accounts a ON a.id = u.account_id
            WHERE (u.username = ? OR u.email = ? OR u.id = ?) AND a.path LIKE ?
            ORDER BY u.id LIMIT 2
            """, login, login.lowercased(), Int64(login) ?? -1, scope.pathPattern)
        guard rows.count == 1, let row = rows.first,
              try row.get("status", as: String.self) == User.Status.active.rawValue,
              let companyID: Int64 = try row.optional("company_id") else { throw invalid }
        if resources.contains(where: \.needsAdministrator), try row.get("is_admin", as: Int64.self) == 0 {
            throw APIAppError.invalid(field: "acting_user", reason: "Account Management Web Services need an administrator account")
        }
        return (try row.get("id"), companyID)
    }

    struct Fields {
        var name: String
        var description: String
        var resources: Set<APIResource>
        var issuer: String?
        var metadataURL: String?
        var audience: String?
    }

    static func validated(_ draft: APIAppDraft) throws -> Fields {
        let name = draft.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else { throw APIAppError.invalid(field: "name", reason: "1 to 100 characters") }
        let description = draft.description.trimmingCharacters(in: .whitespacesAndNewlines)
        guard description.count <= 1000 else { throw APIAppError.invalid(field: "description", reason: "at most 1000 characters") }
        guard !draft.resources.isEmpty else { throw APIAppError.invalid(field: "resources", reason: "choose at least one resource") }
        guard accessTokenLifetimes.contains(draft.accessTokenSeconds) else {
            throw APIAppError.invalid(field: "access_token_seconds", reason: "between 60 seconds and 24 hours")
        }
        guard refreshTokenLifetimes.contains(draft.refreshTokenSeconds) else {
            throw APIAppError.invalid(field: "refresh_token_seconds", reason: "between 1 hour and 365 days")
        }
        func clean(_ s: String?) -> String? {
            guard let s = s?.trimmingCharacters(in: .whitespaces), !s.isEmpty else { return nil }
            return s
        }
        let issuer = clean(draft.externalIssuer), metadata = clean(draft.metadataURL), audience = clean(draft.audience)
        if issuer != nil || metadata != nil || audience != nil {
            guard let issuer, let metadata, let audience else {
                throw APIAppError.invalid(field: "external_issuer", reason: "an external issuer needs its issuer URL, metadata URL and audience")
            }
            for (field, url) in [("external_issuer", issuer), ("metadata_url", metadata)] {
                guard url.count <= 500, let parsed = URL(string: url), ["https", "http"].contains(parsed.scheme?.lowercased() ?? ""),
                      parsed.host?.isEmpty == false else {
                    throw APIAppError.invalid(field: field, reason: "an http(s) URL of at most 500 characters")
                }
            }
            guard audience.count <= 500 else { throw APIAppError.invalid(field: "audience", reason: "at most 500 characters") }
        }
        return Fields(name: name, description: description, resources: draft.resources, issuer: issuer, metadataURL: metadata, audience: audience)
    }

    static func encode(_ resources: Set<APIResource>) -> String {
        resources.map(\.rawValue).sorted().joined(separator: ",")
    }

    static func actor(_ userID: Int64?) -> AuditActor {
        userID.map { AuditActor.user($0, label: "user \($0)") } ?? .system("api apps")
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
