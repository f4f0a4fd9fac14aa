import Crypto
import Foundation

/// Companies' single sign-on connections (`oidc_connections`, `oidc_email_domains`).
///
/// The client secret is sealed with the current transit key, bound to the company id, so a
/// database dump does not reveal it and a sealed value copied to another company does not open.
public struct OIDCConnectionRepository: Sendable {
    let database: Database
    let transit: TransitKeyring

    /// A repository over `database`, sealing secrets with `transit`.
    public init(database: Database, transit: TransitKeyring) {
        self.database = database
        self.transit = transit
    }

    /// Creates or replaces the connection of company `connection.companyID` (inside `scope`).
    /// A nil `clientSecret` keeps the stored one (an edit that leaves the secret alone); a new
    /// connection needs one.
    public func save(_ connection: OIDCConnection, clientSecret: String?, scope: AccountScope, actor: AuditActor, now: Date = Date()) async throws {
        let c = try Self.validated(connection)
        var provided: (sealed: [UInt8], transitID: String)?
        if let clientSecret {
            guard !clientSecret.isEmpty, clientSecret.utf8.count <= 512 else {
                throw OIDCConnectionError.invalid(field: "client_secret", reason: "1 to 512 characters")
            }
            let (transitID, key) = transit.current
            let sealed = try AES.GCM.seal(Array(clientSecret.utf8), using: key, authenticating: Self.aad(companyID: c.companyID)).combined!
            provided = (Array(sealed), transitID)
        }
        let newSecret = provided
        let mapping = String(decoding: try JSONEncoder().encode(c.groupDepartments), as: UTF8.self)
        let rights = String(decoding: try JSONEncoder().encode(c.groupRights.mapValues { $0.map(\.rawValue) }), as: UTF8.self)
        try await database.transaction { db in
            guard let account = try AccountRepository.fetch(db, id: c.companyID, scope: scope), account.kind == .company else {
                throw OIDCConnectionError.notFound
            }
            for (group, departmentID) in c.groupDepartments {
                guard let department = try AccountRepository.fetch(db, id: departmentID, scope: account.scope), department.kind == .department else {
                    throw OIDCConnectionError.invalid(field: "group_departments", reason: "group '\(group.prefix(60))' maps to no department of the company")
                }
            }
            guard let sealedSecret = try newSecret ?? Self.storedSecret(db, c.companyID) else {
                throw OIDCConnectionError.invalid(field: "client_secret", reason: "a new connection needs the client secret")
            }
            for domain in c.emailDomains {
                if let owner: Int64 = try db.query("SELECT company_id FROM oidc_email_domains WHERE domain = ?", domain).first?.get("company_id"),
                   owner != c.companyID {
                    throw OIDCConnectionError.domainTaken(domain)
                }
            }
            try db.execute(
                """
                INSERT INTO oidc_connections (company_id, issuer, client_id, client_secret_sealed, transit_key_id, scopes, claim_email,
                    claim_name, claim_groups, group_departments, group_rights, jit_users, sso_only, enabled, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON DUPLICATE KEY UPDATE issuer = VALUES(issuer), client_id = VALUES(client_id),
                    client_secret_sealed = VALUES(client_secret_sealed), transit_key_id = VALUES(transit_key_id), scopes = VALUES(scopes),
                    claim_email = VALUES(claim_email), claim_name = VALUES(claim_name), claim_groups = VALUES(claim_groups),
                    group_departments = VALUES(group_departments), group_rights = VALUES(group_rights), jit_users = VALUES(jit_users), sso_only = VALUES(sso_only),
                    enabled = VALUES(enabled), updated_at = VALUES(updated_at)
                """,
                c.companyID, c.issuer, c.clientID, sealedSecret.sealed, sealedSecret.transitID, c.scopes.joined(separator: " "), c.emailClaim,
                c.nameClaim, c.groupsClaim, mapping, rights, c.justInTimeUsers, c.ssoOnly, c.enabled, now)
            try db.execute("DELETE FROM oidc_email_domains WHERE company_id = ?", c.companyID)
            for domain in c.emailDomains {
                try db.execute("INSERT INTO oidc_email_domains (domain, company_id) VALUES (?, ?)", domain, c.companyID)
            }
            try AuditLog.record(on: db, accountID: c.companyID, actor: actor, action: .settingsChange, targetType: "oidc_connection",
                                targetID: String(c.companyID), detail: "single sign-on through \(c.issuer)", at: now)
        }
    }

    /// The stored sealed secret of `companyID`'s connection, if there is one.
    static func storedSecret(_ db: DatabaseConnection, _ companyID: Int64) throws -> (sealed: [UInt8], transitID: String)? {
        try db.query("SELECT client_secret_sealed, transit_key_id FROM oidc_connections WHERE company_id = ? FOR UPDATE", companyID).first.map {
            (try $0.get("client_secret_sealed", as: [UInt8].self), try $0.get("transit_key_id", as: String.self))
        }
    }

    /// Removes the connection of `companyID` (inside `scope`): its domains sign in with passwords
    /// again. Returns whether there was one.
    @discardableResult
    public func delete(companyID: Int64, scope: AccountScope, actor: AuditActor, now: Date = Date()) async throws -> Bool {
        try await database.transaction { db in
            guard let account = try AccountRepository.fetch(db, id: companyID, scope: scope), account.kind == .company else {
                throw OIDCConnectionError.notFound
            }
            let removed = try db.execute("DELETE FROM oidc_connections WHERE company_id = ?", companyID).affectedRows > 0
            if removed {
                try AuditLog.record(on: db, accountID: companyID, actor: actor, action: .settingsChange, targetType: "oidc_connection",
                                    targetID: String(companyID), detail: "single sign-on removed", at: now)
            }
            return removed
        }
    }

    /// The connection of `companyID` inside `scope`.
    public func get(companyID: Int64, scope: AccountScope) async throws -> OIDCConnection? {
        try await database.withConnection { db in
            guard try AccountRepository.fetch(db, id: companyID, scope: scope) != nil else { return nil }
            return try Self.fetch(db, companyID: companyID)
        }
    }

    /// The enabled connection that signs in users of `email`'s domain (the sign-in page's lookup).
    public func find(email: String) async throws -> OIDCConnection? {
        guard let at = email.lastIndex(of: "@") else { return nil }
        let domain = String(email[email.index(after: at)...]).lowercased()
        guard !domain.isEmpty, domain.utf8.count <= 253 else { return nil }
        return try await database.withConnection { db in
            guard let companyID: Int64 = try db.query("SELECT company_id FROM oidc_email_domains WHERE domain = ?", domain).first?.get("company_id"),
                  let connection = try Self.fetch(db, companyID: companyID), connection.enabled else { return nil }
            return connection
        }
    }

    /// The client secret of `companyID`'s connection, for the code exchange.
    public func clientSecret(companyID: Int64) async throws -> String {
        let row = try await database.query("SELECT client_secret_sealed, transit_key_id FROM oidc_connections WHERE company_id = ?", companyID).first
        guard let row else { throw OIDCConnectionError.notFound }
        let box = try AES.GCM.SealedBox(combined: try row.get("client_secret_sealed", as: [UInt8].self))
        let plain = try AES.GCM.open(box, using: try transit.key(id: try row.get("transit_key_id")), authenticating: Self.aad(companyID: companyID))
        return String(decoding: plain, as: UTF8.self)
    }

    static func aad(companyID: Int64) -> [UInt8] { Array("pagewire.oidc_client_secret.v1:\(companyID)".utf8) }

    static func fetch(_ db: DatabaseConnection, companyID: Int64) throws -> OIDCConnection? {
        guard let row = try db.query(
            """
            SELECT company_id, issuer, client_id, scopes, claim_email, claim_name, claim_groups, group_departments, group_rights, jit_users, sso_only, enabled
            FROM oidc_connections WHERE company_id = ?
            """, companyID).first else { return nil }
        let domains = try db.query("SELECT domain FROM oidc_email_domains WHERE company_id = ? ORDER BY domain", companyID)
            .map { try $0.get("domain", as: String.self) }
        let mapping = (try? JSONDecoder().decode([String: Int64].self, from: Data(try row.get("group_departments", as: String.self).utf8))) ?? [:]
        let storedRights: String = try row.optional("group_rights") ?? "{}"
        let rights = ((try? JSONDecoder().decode([String: [String]].self, from: Data(storedRights.utf8))) ?? [:])
            .mapValues { $0.compactMap(AdminRight.init(rawValue:)) }
        return OIDCConnection(
            companyID: try row.get("company_id"), issuer: try row.get("issuer"), clientID: try row.get("client_id"),
            scopes: try row.get("scopes", as: String.self).split(separator: " ").map(String.init), emailDomains: domains,
            emailClaim: try row.get("claim_email"), nameClaim: try row.get("claim_name"), groupsClaim: try row.get("claim_groups"),
            groupDepartments: mapping, groupRights: rights, justInTimeUsers: try row.get("jit_users"), ssoOnly: try row.get("sso_only"), enabled: try row.get("enabled"))
    }

    /// `connection` normalised (`openid` among the scopes, domains lower-cased and sorted), or the
    /// first field that is not acceptable (`OIDCConnectionError.invalid`).
    public static func validated(_ connection: OIDCConnection) throws -> OIDCConnection {
        var c = connection
        guard let url = URL(string: c.issuer), ["https", "http"].contains(url.scheme ?? ""), url.host?.isEmpty == false, c.issuer.count <= 500 else {
            throw OIDCConnectionError.invalid(field: "issuer", reason: "an http(s) URL of at most 500 characters")
        }
        guard !c.clientID.isEmpty, c.clientID.count <= 255 else { throw OIDCConnectionError.invalid(field: "client_id", reason: "1 to 255 characters") }
        if !c.scopes.contains("openid") { c.scopes.insert("openid", at: 0) }
        guard c.scopes.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && !$0.isWhitespace && $0 != "\"" && $0 != "\\" } }),
              c.scopes.joined(separator: " ").count <= 255 else {
            throw OIDCConnectionError.invalid(field: "scopes", reason: "space-separated OAuth scopes")
        }
        c.emailDomains = Array(Set(c.emailDomains.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })).sorted()
        guard !c.emailDomains.isEmpty else { throw OIDCConnectionError.invalid(field: "email_domains", reason: "at least one e-mail domain") }
        for domain in c.emailDomains {
            guard domain.utf8.count <= 253, domain.contains("."),
                  domain.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else {
                throw OIDCConnectionError.invalid(field: "email_domains", reason: "'\(domain.prefix(60))' is not a domain name")
            }
        }
        for (group, rights) in c.groupRights {
            guard !group.isEmpty, group.count <= 200, !rights.isEmpty else {
                throw OIDCConnectionError.invalid(field: "group_rights", reason: "each entry names a group and at least one right")
            }
        }
        guard c.groupRights.count <= 100, c.groupDepartments.count <= 100 else {
            throw OIDCConnectionError.invalid(field: "group_rights", reason: "at most 100 groups")
        }
        for (field, claim) in [("claim_email", c.emailClaim), ("claim_name", c.nameClaim), ("claim_groups", c.groupsClaim)] {
            guard !claim.isEmpty, claim.count <= 64 else { throw OIDCConnectionError.invalid(field: field, reason: "1 to 64 characters") }
        }
        return c
    }
}
