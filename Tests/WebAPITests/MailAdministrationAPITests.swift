import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing
@testable import Web

@Suite("E-mail to fax administration API")
struct MailAdministrationAPITests {
    @Test func anAdministratorManagesFaxDomainsOfTheirCompanyOnly() async throws {
        try await APIFixture.with { f, client in
            // setup: a read-only admin of company A
            let users = UserRepository(database: f.database, passwordParameters: .testing)
            let viewer = try await users.create(accountID: f.companyA.id, email: "viewer@clinic-a.test", password: "viewer-pw", scope: f.platform.scope)
            try await users.grant(userID: viewer.id, accountID: f.companyA.id, rights: [.readOnly, .settings, .manageUsers], scope: f.platform.scope)
            let viewerToken = try await APITokenRepository(database: f.database).create(userID: viewer.id, name: "viewer", scope: f.platform.scope).secret
            let domains = "/v1/accounts/\(f.companyA.id)/fax-domains"
            // act: A's admin adds a domain (mixed case, trailing dot), then the same again, then nonsense
            let added = try await client.call(.post, domains, token: f.adminAToken, json: #"{"domain":"Fax.Clinic-A.test."}"#)
            let again = try await client.call(.post, domains, token: f.adminAToken, json: #"{"domain":"fax.clinic-a.test"}"#)
            let invalid = try await client.call(.post, domains, token: f.adminAToken, json: #"{"domain":"not a domain"}"#)
            // check
            #expect(added.status == .created)
            #expect(added.object["domain"] as? String == "fax.clinic-a.test")
            #expect(again.status == .conflict)
            #expect(invalid.status == .unprocessableContent)
            let list = try await client.call(.get, domains, token: f.adminAToken)
            #expect(list.status == .ok)
            #expect((list.object["data"] as? [[String: Any]])?.compactMap { $0["domain"] as? String } == ["fax.clinic-a.test"])
            // the gateway now takes mail for it
            #expect(try await FaxDomainRepository(database: f.database).lookup("fax.clinic-a.test")?.companyID == f.companyA.id)
            // check: the other tenant and a plain user see nothing; the read-only admin reads but cannot change
            #expect(try await client.call(.get, domains, token: f.bobToken).status == .notFound)
            #expect(try await client.call(.post, domains, token: f.bobToken, json: #"{"domain":"evil.test"}"#).status == .notFound)
            #expect(try await client.call(.delete, domains + "/fax.clinic-a.test", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.get, domains, token: f.aliceToken).status == .notFound)
            #expect(try await client.call(.get, domains, token: viewerToken).status == .ok)
            #expect(try await client.call(.post, domains, token: viewerToken, json: #"{"domain":"fax2.clinic-a.test"}"#).status == .forbidden)
            #expect(try await client.call(.delete, domains + "/fax.clinic-a.test", token: viewerToken).status == .forbidden)
            // check: B's admin cannot remove A's domain through B's own account id either
            #expect(try await client.call(.delete, "/v1/accounts/\(f.companyB.id)/fax-domains/fax.clinic-a.test", token: f.bobToken).status == .notFound)
            // act: A's admin removes it
            #expect(try await client.call(.delete, domains + "/fax.clinic-a.test", token: f.adminAToken).status == .noContent)
            #expect(try await client.call(.delete, domains + "/fax.clinic-a.test", token: f.adminAToken).status == .notFound)
            #expect(try await FaxDomainRepository(database: f.database).lookup("fax.clinic-a.test") == nil)
            // a department is not a company; each change is in the audit log
            #expect(try await client.call(.post, "/v1/accounts/\(f.departmentA.id)/fax-domains", token: f.adminAToken, json: #"{"domain":"d.clinic-a.test"}"#).status
                == .unprocessableContent)
            let audit = try await f.database.query("SELECT detail FROM audit_log WHERE target_type = 'fax_domain' ORDER BY id").map { try $0.get("detail", as: String.self) }
            #expect(audit == ["added", "removed"])
        }
    }

    @Test func anAdministratorManagesSendingAddressesOfTheirUsersOnly() async throws {
        try await APIFixture.with { f, client in
            let addresses = "/v1/users/\(f.alice.id)/sending-addresses"
            // act
            let added = try await client.call(.post, addresses, token: f.adminAToken, json: #"{"address":"Scanner-3F@Clinic-A.test"}"#)
            let again = try await client.call(.post, addresses, token: f.adminAToken, json: #"{"address":"scanner-3f@clinic-a.test"}"#)
            let invalid = try await client.call(.post, addresses, token: f.adminAToken, json: #"{"address":"no-at-sign"}"#)
            // check
            #expect(added.status == .created && added.object["address"] as? String == "scanner-3f@clinic-a.test")
            #expect(again.status == .conflict)
            #expect(invalid.status == .unprocessableContent)
            let list = try await client.call(.get, addresses, token: f.adminAToken)
            #expect((list.object["data"] as? [[String: Any]])?.compactMap { $0["address"] as? String } == ["scanner-3f@clinic-a.test"])
            // the gateway now accepts mail from it for alice
            #expect(try await SendingAddressRepository(database: f.database).authorisedSender("scanner-3f@clinic-a.test", companyID: f.companyA.id)?.id == f.alice.id)
            // check: another tenant's admin and a user without the right get 404
            #expect(try await client.call(.get, addresses, token: f.bobToken).status == .notFound)
            #expect(try await client.call(.post, addresses, token: f.bobToken, json: #"{"address":"x@law-b.test"}"#).status == .notFound)
            #expect(try await client.call(.delete, addresses + "/scanner-3f@clinic-a.test", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.get, "/v1/users/\(f.adminA.id)/sending-addresses", token: f.aliceToken).status == .notFound)
            // act: removed (the @ percent-encoded), then gone
            #expect(try await client.call(.delete, addresses + "/scanner-3f%40clinic-a.test", token: f.adminAToken).status == .noContent)
            #expect(try await client.call(.delete, addresses + "/scanner-3f@clinic-a.test", token: f.adminAToken).status == .notFound)
            #expect(try await SendingAddressRepository(database: f.database).authorisedSender("scanner-3f@clinic-a.test", companyID: f.companyA.id) == nil)
            #expect(try await client.call(.get, "/v1/users/999999/sending-addresses", token: f.adminAToken).status == .notFound)
        }
    }
}
