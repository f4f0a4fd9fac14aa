import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing
@testable import Web

/// Calls every administration operation of `/v1` once (and its error answers), for the OpenAPI
/// coverage test; UsersAPITests and AccountsAPITests check the behaviour. Leaves Alice a plain user.
enum AdminAPICoverage {
    static func exerciseAll(_ f: APIFixture, _ client: any TestClientProtocol) async throws {
        // administration: users and numbers (UsersAPITests covers the behaviour)
        let newUser = try await client.call(.post, "/v1/accounts/\(f.companyA.id)/users", token: f.adminAToken, json: #"{"email":"spec@clinic-a.test"}"#)
        #expect(newUser.status == .created)
        let userID = try #require((newUser.object["user"] as? [String: Any])?["id"] as? Int)
        #expect(try await client.call(.post, "/v1/accounts/\(f.companyA.id)/users", token: f.adminAToken, json: "[").status == .badRequest)
        #expect(try await client.call(.get, "/v1/users", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.get, "/v1/users", token: f.aliceToken).status == .forbidden)
        #expect(try await client.call(.get, "/v1/accounts/\(f.departmentA.id)/users", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.get, "/v1/users/\(userID)", token: f.bobToken).status == .notFound)
        #expect(try await client.call(.patch, "/v1/users/\(userID)", token: f.adminAToken, json: #"{"employee_id":"E-1"}"#).status == .ok)
        #expect(try await client.call(.post, "/v1/users/\(userID)/lock", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.post, "/v1/users/\(userID)/unlock", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.post, "/v1/users/\(userID)/welcome", token: f.adminAToken, json: #"{"credentials":true}"#).status == .accepted)
        #expect(try await client.call(.post, "/v1/users/\(userID)/move", token: f.adminAToken, json: "{\"account_id\":\(f.departmentA.id)}").status == .ok)
        let spareNumbers = NumberRepository(database: f.database)
        let spare = try await spareNumbers.addToPool(["+12065550166"], poolAccountID: f.companyA.parentID!, scope: f.platform.scope)[0]
        _ = try await spareNumbers.take([spare.id], forCompany: f.companyA.id, scope: f.platform.scope)
        #expect(try await client.call(.post, "/v1/numbers/\(spare.id)/assign", token: f.adminAToken, json: #"{"queue":"Front desk"}"#).status == .ok)
        #expect(try await client.call(.post, "/v1/numbers/\(spare.id)/assign", token: f.adminAToken, json: "{}").status == .unprocessableContent)
        #expect(try await client.call(.get, "/v1/accounts/\(f.companyA.id)/numbers", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.get, "/v1/users/\(userID)", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.delete, "/v1/users/\(userID)", token: f.adminAToken).status == .noContent)
        // the account tree and settings (AccountsAPITests covers the behaviour)
        let department = try await client.call(.post, "/v1/accounts/\(f.companyA.id)/departments", token: f.adminAToken, json: #"{"name":"Spec"}"#)
        #expect(department.status == .created)
        let departmentID = try #require(department.object["id"] as? Int)
        #expect(try await client.call(.get, "/v1/accounts/\(f.companyA.id)", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.patch, "/v1/accounts/\(departmentID)", token: f.adminAToken, json: #"{"name":"Spec 2"}"#).status == .ok)
        #expect(try await client.call(.get, "/v1/accounts/\(departmentID)/settings", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.put, "/v1/accounts/\(departmentID)/settings/locale.time_zone", token: f.adminAToken, json: #"{"value":"Europe/Paris"}"#).status == .ok)
        #expect(try await client.call(.put, "/v1/accounts/\(departmentID)/settings/locale.time_zone", token: f.adminAToken, json: #"{"value":3}"#).status == .unprocessableContent)
        #expect(try await client.call(.delete, "/v1/accounts/\(departmentID)/settings/locale.time_zone", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.delete, "/v1/accounts/\(f.departmentA.id)", token: f.adminAToken).status == .conflict)
        #expect(try await client.call(.delete, "/v1/accounts/\(departmentID)", token: f.adminAToken).status == .noContent)
        #expect(try await client.call(.put, "/v1/users/\(f.alice.id)/rights", token: f.adminAToken, json: #"{"rights":["fax_pool"]}"#).status == .ok)
        #expect(try await client.call(.put, "/v1/users/\(f.adminA.id)/rights", token: f.adminAToken, json: #"{"rights":[]}"#).status == .conflict)
        #expect(try await client.call(.get, "/v1/accounts/\(f.companyA.id)/admins", token: f.adminAToken).status == .ok)
        let reseller = try #require(f.companyA.parentID)
        let resellerStaff = try await UserRepository(database: f.database, passwordParameters: .testing).create(
            accountID: reseller, email: "noc@reseller.test", password: "noc-pw", scope: f.platform.scope)
        try await UserRepository(database: f.database).grant(userID: resellerStaff.id, accountID: reseller, rights: AdminRight.all, scope: f.platform.scope)
        let resellerToken = try await APITokenRepository(database: f.database).create(userID: resellerStaff.id, name: "noc", scope: f.platform.scope).secret
        #expect(try await client.execute(uri: "/v1/accounts/\(reseller)/pool", method: .post, headers: [.authorization: "Bearer \(resellerToken)", .contentType: "text/csv"],
                                         body: ByteBuffer(string: "number\n+12065550177\nbad\n")).status == .ok)
        #expect(try await client.call(.post, "/v1/accounts/\(reseller)/pool", token: resellerToken, json: "{}").status == .unsupportedMediaType)
        #expect(try await client.call(.get, "/v1/accounts/\(reseller)/pool", token: resellerToken).status == .ok)
        #expect(try await client.call(.post, "/v1/accounts/\(f.companyA.id)/numbers/request", token: f.adminAToken, json: #"{"quantity":1,"area_code":"206"}"#).status == .created)
        #expect(try await client.call(.post, "/v1/accounts/\(f.companyA.id)/numbers/request", token: f.adminAToken, json: #"{"quantity":1,"area_code":"999"}"#).status == .unprocessableContent)
        try await SettingsRepository(database: f.database).set(Settings.maximumNumberInventory, to: 1, atAccount: reseller, scope: f.platform.scope)
        #expect(try await client.call(.post, "/v1/accounts/\(f.companyA.id)/numbers/request", token: f.adminAToken, json: #"{"quantity":1}"#).status == .conflict)
        let trunk = try await client.call(.post, "/v1/accounts/\(reseller)/trunks", token: resellerToken, json: #"{"name":"Spec carrier","host":"192.0.2.10","username":"u","password":"p"}"#)
        #expect(trunk.status == .created)
        let trunkID = try #require(trunk.object["id"] as? Int)
        #expect(try await client.call(.post, "/v1/accounts/\(reseller)/trunks", token: resellerToken, json: #"{"name":"Spec carrier","host":"192.0.2.11"}"#).status == .conflict)
        #expect(try await client.call(.post, "/v1/accounts/\(reseller)/trunks", token: resellerToken, json: #"{"name":"Bad","host":"192.0.2.12","port":0}"#).status == .unprocessableContent)
        #expect(try await client.call(.get, "/v1/accounts/\(reseller)/trunks", token: resellerToken).status == .ok)
        #expect(try await client.call(.put, "/v1/accounts/\(reseller)/trunks/order", token: resellerToken, json: "{\"trunk_ids\":[\(trunkID)]}").status == .ok)
        #expect(try await client.call(.patch, "/v1/trunks/\(trunkID)", token: resellerToken, json: #"{"name":"Spec carrier","host":"192.0.2.13"}"#).status == .ok)
        #expect(try await client.call(.post, "/v1/trunks/\(trunkID)/check", token: resellerToken).status == .accepted)
        #expect(try await client.call(.delete, "/v1/trunks/\(trunkID)", token: f.adminAToken).status == .notFound)
        #expect(try await client.call(.delete, "/v1/trunks/\(trunkID)", token: resellerToken).status == .noContent)
        #expect(try await client.call(.put, "/v1/users/\(f.alice.id)/rights", token: f.adminAToken, json: #"{"rights":[]}"#).status == .ok)
        try await SettingsRepository(database: f.database).reset(Settings.maximumNumberInventory, atAccount: reseller, scope: f.platform.scope)
        try await exerciseSettingsParts(f, client)
    }

    /// Security policy (templates), emergency contacts, the header/footer and its preview, cover
    /// page templates (AdminSettingsPartsAPITests covers the behaviour). Leaves nothing set.
    static func exerciseSettingsParts(_ f: APIFixture, _ client: any TestClientProtocol) async throws {
        let node = "/v1/accounts/\(f.departmentA.id)"
        #expect(try await client.call(.get, node + "/security-policy", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.put, node + "/security-policy", token: f.adminAToken, json: #"{"template":"relaxed"}"#).status == .ok)
        #expect(try await client.call(.put, node + "/security-policy", token: f.adminAToken, json: #"{}"#).status == .unprocessableContent)
        #expect(try await client.call(.put, node + "/security-policy", token: f.adminAToken, json: "[").status == .badRequest)
        #expect(try await client.call(.delete, node + "/security-policy", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.get, node + "/security-policy", token: f.bobToken).status == .notFound)
        #expect(try await client.call(.get, node + "/emergency-contacts", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.put, node + "/emergency-contacts", token: f.adminAToken,
                                      json: #"{"contacts":[{"name":"N","email":"n@clinic-a.test","phone":"+12065550100","role":"Primary"}]}"#).status == .ok)
        #expect(try await client.call(.put, node + "/emergency-contacts", token: f.adminAToken, json: #"{"contacts":[{"name":"N","email":"n","phone":"1"}]}"#).status == .unprocessableContent)
        #expect(try await client.call(.put, node + "/emergency-contacts", token: f.adminAToken, json: "{}").status == .badRequest)
        #expect(try await client.call(.delete, node + "/emergency-contacts", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.get, node + "/emergency-contacts", token: f.aliceToken).status == .forbidden)
        #expect(try await client.call(.get, node + "/stamp", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.put, node + "/stamp", token: f.adminAToken, json: #"{"text":"Fax {fax_id}","pages":"first"}"#).status == .ok)
        #expect(try await client.call(.put, node + "/stamp", token: f.adminAToken, json: #"{"text":"Fax {id}"}"#).status == .unprocessableContent)
        #expect(try await client.call(.put, node + "/stamp", token: f.adminAToken, json: "[").status == .badRequest)
        #expect(try await client.call(.delete, node + "/stamp", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.post, node + "/stamp/preview", token: f.adminAToken, json: #"{"text":"Page {page}","page":2}"#).status == .ok)
        #expect(try await client.call(.post, node + "/stamp/preview", token: f.adminAToken, json: #"{"text":"Page {pg}"}"#).status == .unprocessableContent)
        #expect(try await client.call(.post, node + "/stamp/preview", token: f.adminAToken, json: "[").status == .badRequest)
        #expect(try await client.call(.post, node + "/stamp/preview", token: f.bobToken, json: "{}").status == .notFound)
        let created = try await client.call(.post, node + "/coverpages", token: f.adminAToken, json: ##"{"name":"Spec cover","source":"# SPEC\n"}"##)
        #expect(created.status == .created)
        let coverID = try #require(created.object["id"] as? Int)
        #expect(try await client.call(.post, node + "/coverpages", token: f.adminAToken, json: ##"{"name":"Spec cover","source":"# SPEC\n"}"##).status == .conflict)
        #expect(try await client.call(.post, node + "/coverpages", token: f.adminAToken, json: #"{"name":"Bad","source":"%PDF-1.4"}"#).status == .unprocessableContent)
        #expect(try await client.call(.post, node + "/coverpages", token: f.adminAToken, json: "[").status == .badRequest)
        #expect(try await client.call(.get, node + "/coverpages?only=mine", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.get, node + "/coverpages", token: f.bobToken).status == .notFound)
        #expect(try await client.call(.patch, node + "/coverpages/\(coverID)", token: f.adminAToken, json: #"{"name":"Spec cover 2"}"#).status == .ok)
        #expect(try await client.call(.patch, node + "/coverpages/\(coverID)", token: f.adminAToken, json: ##"{"source":"# {{nope}}"}"##).status == .unprocessableContent)
        #expect(try await client.call(.patch, node + "/coverpages/\(coverID)", token: f.adminAToken, json: "[").status == .badRequest)
        #expect(try await client.call(.get, "/v1/coverpages", token: f.aliceToken).status == .ok)
        #expect(try await client.call(.get, "/v1/coverpages", token: nil).status == .unauthorized)
        #expect(try await client.call(.delete, node + "/coverpages/\(coverID)", token: f.adminAToken).status == .noContent)
        #expect(try await client.call(.delete, node + "/coverpages/\(coverID)", token: f.adminAToken).status == .notFound)
        #expect(try await client.call(.patch, node + "/coverpages/\(coverID)", token: f.adminAToken, json: "{}").status == .notFound)
    }
}
