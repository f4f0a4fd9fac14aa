import Foundation
import Hummingbird
import PagewireCore

/// `/v1/accounts/{id}/sso`: a company's single sign-on through its own OpenID Connect provider
/// (issuer, client id and write-only client secret, scopes, claim mapping, group → department,
/// just-in-time users, SSO only, e-mail domains). Guarded by the security-policy rights.
struct SSOAPIController: Sendable {
    let admin: SSOConnectionAdmin

    func addRoutes(to routes: AdminAPIRoutes) {
        routes.on(.get, "accounts/:account/sso") { _, _, target in
            let connection = try await admin.connections.get(companyID: target.account.id, scope: target.scope)
            return try APIJSON.response(try await resource(connection, company: target.account))
        }
        routes.on(.put, "accounts/:account/sso") { request, context, target in
            let body = try await request.decode(as: SSOBody.self, context: context)
            let actor = AuditActor.user(try context.requirePrincipal().userID, label: "api token \(try context.requirePrincipal().tokenID)")
            do {
                _ = try await admin.save(try body.connection(companyID: target.account.id), clientSecret: body.clientSecret, scope: target.scope,
                                         actor: actor, grantable: target.grant.rights)
            } catch let failure as SSOConnectionAdmin.Failure {
                switch failure {
                case .invalid(let field, let message): throw Problem.invalid(message, field: field)
                case .domainTaken: throw Problem.conflict("sso-domain-taken", failure.message)
                case .notFound: throw Problem.notFound()
                }
            }
            let saved = try await admin.connections.get(companyID: target.account.id, scope: target.scope)
            return try APIJSON.response(try await resource(saved, company: target.account))
        }
        routes.on(.delete, "accounts/:account/sso") { _, context, target in
            let actor = AuditActor.user(try context.requirePrincipal().userID, label: "api token \(try context.requirePrincipal().tokenID)")
            try await admin.connections.delete(companyID: target.account.id, scope: target.scope, actor: actor)
            return Response(status: .noContent)
        }
    }

    func resource(_ connection: OIDCConnection?, company: Account) async throws -> SSOResource {
        SSOResource(connection, redirectUris: try await admin.redirectURIs(company: company),
                    postLogoutRedirectUris: try await admin.postLogoutRedirectURIs(company: company))
    }

    struct Claims: Codable {
        var email: String?
        var name: String?
        var groups: String?
    }

    struct GroupDepartment: Codable {
        var group: String
        var departmentId: Int64
    }

    struct GroupRights: Codable {
        var group: String
        var rights: [String]
    }

    struct SSOBody: Decodable {
        var issuer: String
        var clientId: String
        /// Write-only; absent on an update keeps the stored one.
        var clientSecret: String?
        var scopes: [String]?
        var emailDomains: [String]
        var claims: Claims?
        var groupDepartments: [GroupDepartment]?
        var groupRights: [GroupRights]?
        var justInTimeUsers: Bool?
        var ssoOnly: Bool?
        var enabled: Bool?

        func connection(companyID: Int64) throws -> OIDCConnection {
            var mapping: [String: Int64] = [:]
            for entry in groupDepartments ?? [] { mapping[entry.group] = entry.departmentId }
            var rights: [String: [AdminRight]] = [:]
            for entry in groupRights ?? [] {
                rights[entry.group, default: []] += try entry.rights.map { name in
                    guard let right = AdminRight(rawValue: name) else { throw Problem.invalid("group_rights: '\(name.prefix(40))' is no administrator right", field: "group_rights") }
                    return right
                }
            }
            return OIDCConnection(
                companyID: companyID, issuer: issuer.trimmingCharacters(in: .whitespaces), clientID: clientId.trimmingCharacters(in: .whitespaces),
                scopes: scopes ?? ["openid", "email", "profile"], emailDomains: emailDomains,
                emailClaim: claims?.email ?? "email", nameClaim: claims?.name ?? "name", groupsClaim: claims?.groups ?? "groups",
                groupDepartments: mapping, groupRights: rights, justInTimeUsers: justInTimeUsers ?? false, ssoOnly: ssoOnly ?? false, enabled: enabled ?? true)
        }
    }

    struct SSOResource: Encodable {
        var configured: Bool
        var issuer: String?
        var clientId: String?
        /// The secret itself is never shown again.
        var clientSecretSet: Bool
        var scopes: [String]?
        var emailDomains: [String]?
        var claims: Claims?
        var groupDepartments: [GroupDepartment]?
        var groupRights: [GroupRights]?
        var justInTimeUsers: Bool?
        var ssoOnly: Bool?
        var enabled: Bool?
        /// What to register at the provider.
        var redirectUris: [String]
        var postLogoutRedirectUris: [String]

        init(_ c: OIDCConnection?, redirectUris: [String], postLogoutRedirectUris: [String]) {
            configured = c != nil
            issuer = c?.issuer
            clientId = c?.clientID
            clientSecretSet = c != nil
            scopes = c?.scopes
            emailDomains = c?.emailDomains
            claims = c.map { Claims(email: $0.emailClaim, name: $0.nameClaim, groups: $0.groupsClaim) }
            groupDepartments = c.map { $0.groupDepartments.sorted { $0.key < $1.key }.map { GroupDepartment(group: $0.key, departmentId: $0.value) } }
            groupRights = c.map { $0.groupRights.sorted { $0.key < $1.key }.map { GroupRights(group: $0.key, rights: $0.value.map(\.rawValue).sorted()) } }
            justInTimeUsers = c?.justInTimeUsers
            ssoOnly = c?.ssoOnly
            enabled = c?.enabled
            self.redirectUris = redirectUris
            self.postLogoutRedirectUris = postLogoutRedirectUris
        }

        enum CodingKeys: String, CodingKey {
            case configured, issuer, clientId, clientSecretSet, scopes, emailDomains, claims, groupDepartments, groupRights, justInTimeUsers, ssoOnly,
                 enabled, redirectUris, postLogoutRedirectUris
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(configured, forKey: .configured)
            try c.encodeIfPresent(issuer, forKey: .issuer)
            try c.encodeIfPresent(clientId, forKey: .clientId)
            try c.encode(clientSecretSet, forKey: .clientSecretSet)
            try c.encodeIfPresent(scopes, forKey: .scopes)
            try c.encodeIfPresent(emailDomains, forKey: .emailDomains)
            try c.encodeIfPresent(claims, forKey: .claims)
            try c.encodeIfPresent(groupDepartments, forKey: .groupDepartments)
            try c.encodeIfPresent(groupRights, forKey: .groupRights)
            try c.encodeIfPresent(justInTimeUsers, forKey: .justInTimeUsers)
            try c.encodeIfPresent(ssoOnly, forKey: .ssoOnly)
            try c.encodeIfPresent(enabled, forKey: .enabled)
            try c.encode(redirectUris, forKey: .redirectUris)
            try c.encode(postLogoutRedirectUris, forKey: .postLogoutRedirectUris)
        }
    }
}
