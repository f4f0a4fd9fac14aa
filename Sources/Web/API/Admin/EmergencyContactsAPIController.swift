import Foundation
import Hummingbird
import PagewireCore

/// `/v1/accounts/{id}/emergency-contacts`: up to three contacts of a node, inherited like
/// every setting, with where they come from; behind the emergency contacts rights.
struct EmergencyContactsAPIController: Sendable {
    let database: Database

    func addRoutes(to routes: AdminAPIRoutes) {
        routes.on(.get, "accounts/:account/emergency-contacts") { _, _, target in
            try await resource(target)
        }
        routes.on(.put, "accounts/:account/emergency-contacts") { request, context, target in
            let body: Body = try await APIBody.decode(request, context)
            guard body.contacts.count <= EmergencyContact.maximum else {
                throw Problem.invalid("at most three emergency contacts (\(body.contacts.count) given)", field: "contacts")
            }
            let contacts = body.contacts.map { EmergencyContact(name: $0.name, email: $0.email, phone: $0.phone, role: $0.role ?? "").normalized() }
            for (n, contact) in contacts.enumerated() {
                if let problem = contact.problem { throw Problem.invalid(problem, field: "contacts[\(n)]") }
            }
            do {
                try await SettingsRepository(database: database).set(Settings.emergencyContacts, to: contacts, atAccount: target.account.id,
                                                                     scope: target.scope, by: AccountsAPIController.actor(context))
            } catch let error as SettingsError {
                throw Problem.invalid(error.description, field: "contacts")
            }
            return try await resource(target)
        }
        routes.on(.delete, "accounts/:account/emergency-contacts") { _, context, target in
            try await SettingsRepository(database: database).reset(Settings.emergencyContacts, atAccount: target.account.id, scope: target.scope,
                                                                   by: AccountsAPIController.actor(context))
            return try await resource(target)
        }
    }

    struct Input: Decodable {
        var name: String
        var email: String
        var phone: String
        var role: String?
    }

    struct Body: Decodable {
        var contacts: [Input]
    }

    struct Resource: Encodable {
        var contacts: [EmergencyContact]
        var origin: AccountsAPIController.OriginResource
    }

    private func resource(_ target: AdminTarget) async throws -> Response {
        let resolved = try await SettingsRepository(database: database).effective(Settings.emergencyContacts, forAccount: target.account.id, scope: target.scope)
        return try APIJSON.response(Resource(contacts: resolved.value, origin: .init(resolved.origin, node: target.account.id)))
    }
}
