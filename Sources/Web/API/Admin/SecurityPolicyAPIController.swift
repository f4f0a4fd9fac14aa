import Foundation
import Hummingbird
import PagewireCore

/// `/v1/accounts/{id}/security-policy`: the Security tab of a node (complexity, age and history,
/// lockout, session timeout) with where it comes from, set field by field or from a template
/// in one action, and reset to inherited; behind the security policy rights.
struct SecurityPolicyAPIController: Sendable {
    let database: Database

    func addRoutes(to routes: AdminAPIRoutes) {
        routes.on(.get, "accounts/:account/security-policy") { _, _, target in
            try await resource(target)
        }
        routes.on(.put, "accounts/:account/security-policy") { request, context, target in
            let body: Body = try await APIBody.decode(request, context)
            let policy: SecurityPolicy
            switch (body.template, body.policy) {
            case (let id?, nil):
                guard let template = SecurityPolicyTemplate.named(id) else {
                    throw Problem.invalid("unknown template \(id); use " + SecurityPolicyTemplate.builtIn.map(\.id).joined(separator: ", "), field: "template")
                }
                policy = template.policy
            case (nil, let given?): policy = given
            default: throw Problem.invalid("give either template or policy", field: "template")
            }
            do {
                try await SettingsRepository(database: database).set(Settings.securityPolicy, to: policy, atAccount: target.account.id,
                                                                     scope: target.scope, by: AccountsAPIController.actor(context))
            } catch let error as SettingsError {
                throw Problem.invalid(error.description, field: "policy")
            }
            return try await resource(target)
        }
        routes.on(.delete, "accounts/:account/security-policy") { _, context, target in
            try await SettingsRepository(database: database).reset(Settings.securityPolicy, atAccount: target.account.id, scope: target.scope,
                                                                   by: AccountsAPIController.actor(context))
            return try await resource(target)
        }
    }

    struct Body: Decodable {
        var template: String?
        var policy: SecurityPolicy?
    }

    struct Template: Encodable {
        var id: String
        var name: String
        var summary: String
        var policy: SecurityPolicy
    }

    struct Resource: Encodable {
        var policy: SecurityPolicy
        var origin: AccountsAPIController.OriginResource
        var templates: [Template]
    }

    private func resource(_ target: AdminTarget) async throws -> Response {
        let resolved = try await SettingsRepository(database: database).effective(Settings.securityPolicy, forAccount: target.account.id, scope: target.scope)
        return try APIJSON.response(Resource(
            policy: resolved.value, origin: .init(resolved.origin, node: target.account.id),
            templates: SecurityPolicyTemplate.builtIn.map { Template(id: $0.id, name: $0.name, summary: $0.summary, policy: $0.policy) }))
    }
}

/// Reads a JSON request body of an admin route (256 KiB at most).
enum APIBody {
    static func decode<T: Decodable>(_ request: Request, _ context: APIRequestContext, limit: Int = 256 * 1024) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        do {
            return try APIJSON.decoder.decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw Problem.malformed("the body is not valid JSON for this operation: \(APIErrorMiddleware.describe(error))")
        }
    }
}
