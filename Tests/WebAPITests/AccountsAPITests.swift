import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing
@testable import Web

/// `/v1/accounts/{id}`: the tree and settings with their origins, for administrators of the
/// subtree only. Every response is checked against the OpenAPI document.
@Suite("Accounts and settings API")
struct AccountsAPITests {
    @Test func anAdminManagesDepartmentsAndSettingsInheritedByExistingUsers() async throws {
        try await APIFixture.with { f, client in
            // act: the tree below company A, a new department, a company-wide override
            let node = try await client.call(.get, "/v1/accounts/\(f.companyA.id)", token: f.adminAToken)
            let children = (node.object["children"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
            #expect(children == ["Cardiology"])
            let put = try await client.call(.put, "/v1/accounts/\(f.companyA.id)/settings/notifications", token: f.adminAToken,
                                            json: #"{"value":{"outbound_success":false,"outbound_failure":true,"inbound_received":true,"email_to_fax_initial_notice":true,"include_document":false}}"#)
            // check: stored at the company; Alice (in Cardiology) inherits it at once; the department says where it comes from
            #expect(put.status == .ok && (put.object["origin"] as? [String: Any])?["source"] as? String == "here")
            let alice = try await SettingsRepository(database: f.database).effective(Settings.notifications, forUser: f.alice.id)
            #expect(alice.value.outboundSuccess == false && alice.value.emailToFaxInitialNotice == true)
            let list = try await client.call(.get, "/v1/accounts/\(f.departmentA.id)/settings", token: f.adminAToken)
            let notifications = try #require((list.object["settings"] as? [[String: Any]])?.first { $0["key"] as? String == "notifications" })
            let origin = try #require(notifications["origin"] as? [String: Any])
            #expect(origin["source"] as? String == "inherited" && origin["account_id"] as? Int == Int(f.companyA.id))
            #expect((notifications["value"] as? [String: Any])?["outbound_success"] as? Bool == false)
            // invalid values and provider-only keys are refused; reset inherits again
            #expect(try await client.call(.put, "/v1/accounts/\(f.companyA.id)/settings/locale.time_zone", token: f.adminAToken,
                                          json: #"{"value":"Mars/Olympus"}"#).status == .unprocessableContent)
            #expect(try await client.call(.put, "/v1/accounts/\(f.companyA.id)/settings/numbers.maximum_inventory", token: f.adminAToken,
                                          json: #"{"value":500}"#).status == .unprocessableContent)
            #expect(try await client.call(.put, "/v1/accounts/\(f.companyA.id)/settings/no.such.key", token: f.adminAToken, json: #"{"value":1}"#).status == .notFound)
            let reset = try await client.call(.delete, "/v1/accounts/\(f.companyA.id)/settings/notifications", token: f.adminAToken)
            #expect((reset.object["origin"] as? [String: Any])?["source"] as? String == "default")
            // departments: add, rename, refuse to delete one holding users
            let added = try await client.call(.post, "/v1/accounts/\(f.companyA.id)/departments", token: f.adminAToken, json: #"{"name":"Radiology"}"#)
            let id = try #require(added.object["id"] as? Int)
            #expect(try await client.call(.patch, "/v1/accounts/\(id)", token: f.adminAToken, json: #"{"name":"Imaging"}"#).object["name"] as? String == "Imaging")
            let refused = try await client.call(.delete, "/v1/accounts/\(f.departmentA.id)", token: f.adminAToken)
            #expect(refused.status == .conflict && (refused.object["detail"] as? String)?.contains("still holds 1 user") == true)
            #expect(try await client.call(.delete, "/v1/accounts/\(f.companyA.id)", token: f.adminAToken).status == .notFound)
            // other tenants and plain users
            #expect(try await client.call(.get, "/v1/accounts/\(f.companyA.id)", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.put, "/v1/accounts/\(f.companyA.id)/settings/locale.time_zone", token: f.bobToken, json: #"{"value":"UTC"}"#).status == .notFound)
            #expect(try await client.call(.get, "/v1/accounts/\(f.departmentA.id)/settings", token: f.aliceToken).status == .forbidden)
        }
    }

    @Test func administratorsAndTheirRightsThroughTheAPI() async throws {
        try await APIFixture.with { f, client in
            // act: company A's admin makes Alice a read-only admin of her department's fax pool
            let set = try await client.call(.put, "/v1/users/\(f.alice.id)/rights", token: f.adminAToken, json: #"{"rights":["fax_pool","read_only"]}"#)
            // check
            #expect(set.status == .ok && set.object["account_id"] as? Int == Int(f.departmentA.id))
            let grants = try await UserRepository(database: f.database).grants(of: f.alice.id)
            #expect(grants.count == 1 && grants[0].rights == [.faxPool, .readOnly] && grants[0].account.id == f.departmentA.id)
            let list = try await client.call(.get, "/v1/accounts/\(f.companyA.id)/admins", token: f.adminAToken)
            let names = (list.object["admins"] as? [[String: Any]])?.compactMap { $0["username"] as? String } ?? []
            #expect(names.contains("alice@clinic-a.test") && names.contains("admin@clinic-a.test") && !names.contains("bob@law-b.test"))
            // Alice now reads numbers but changes nothing, and cannot widen her own rights
            #expect(try await client.call(.get, "/v1/accounts/\(f.departmentA.id)/numbers", token: f.aliceToken).status == .ok)
            #expect(try await client.call(.put, "/v1/users/\(f.alice.id)/rights", token: f.aliceToken, json: #"{"rights":["settings"]}"#).status == .forbidden)
            #expect(try await client.call(.put, "/v1/users/\(f.alice.id)/rights", token: f.adminAToken, json: #"{"rights":["no_such_right"]}"#).status == .unprocessableContent)
            // the other tenant sees none of it; an empty list removes the role
            #expect(try await client.call(.put, "/v1/users/\(f.alice.id)/rights", token: f.bobToken, json: #"{"rights":[]}"#).status == .notFound)
            #expect(try await client.call(.put, "/v1/users/\(f.alice.id)/rights", token: f.adminAToken, json: #"{"rights":[]}"#).status == .ok)
            #expect(try await UserRepository(database: f.database).grants(of: f.alice.id).isEmpty)
        }
    }

    @Test func resellersManageTrunksWithWriteOnlyPasswordsAndSeeTheLastCheck() async throws {
        try await APIFixture.with { f, client in
            // setup: staff of company A's reseller
            let reseller = try #require(f.companyA.parentID)
            let users = UserRepository(database: f.database, passwordParameters: .testing)
            let staff = try await users.create(accountID: reseller, email: "noc@reseller.test", password: "noc-pw", scope: f.platform.scope)
            try await users.grant(userID: staff.id, accountID: reseller, rights: AdminRight.all, scope: f.platform.scope)
            let token = try await APITokenRepository(database: f.database).create(userID: staff.id, name: "noc", scope: f.platform.scope).secret
            // act
            let created = try await client.call(.post, "/v1/accounts/\(reseller)/trunks", token: token,
                                                json: #"{"name":"Carrier","host":"sip.carrier.example","port":5080,"username":"acct","password":"s3cret"}"#)
            let id = try #require(created.object["id"] as? Int)
            try await TrunkRepository(database: f.database).recordCheck(TrunkCheck(at: Date(), sipStatus: 503, roundTripMilliseconds: 40, detail: "503 Service Unavailable"), trunkID: Int64(id))
            let list = try await client.call(.get, "/v1/accounts/\(reseller)/trunks", token: token)
            // check: the password is stored but never answered; the check reads as down
            #expect(created.status == .created && !created.text.contains("s3cret") && created.object["authentication"] as? String == "digest")
            #expect(try await TrunkRepository(database: f.database, secrets: f.vault.documents.transit).get(Int64(id), scope: f.platform.scope)?.password == "s3cret")
            #expect(try await f.database.query("SELECT password FROM trunks WHERE id = ?", id)[0].optional("password", as: String.self) == nil)
            let trunk = try #require((list.object["trunks"] as? [[String: Any]])?.first)
            let check = try #require(trunk["last_check"] as? [String: Any])
            #expect(check["up"] as? Bool == false && check["sip_status"] as? Int == 503 && !list.text.contains("s3cret"))
            // company admins have no trunks; the failover order applies to the reseller's companies
            #expect(try await client.call(.get, "/v1/accounts/\(f.companyA.id)/trunks", token: f.adminAToken).status == .notFound)
            #expect(try await client.call(.put, "/v1/accounts/\(reseller)/trunks/order", token: token, json: "{\"trunk_ids\":[\(id)]}").status == .ok)
            #expect(try await TrunkRepository(database: f.database).trunks(forAccount: f.companyB.id).map(\.id) == [Int64(id)])
        }
    }
}
