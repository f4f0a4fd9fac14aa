import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing
@testable import Web

@Suite("Identity: single sign-on connections through /v1")
struct SSOConnectionAPITests {
    @Test func adminCreatesEditsAndDeletesTheConnectionCheckedAgainstTheProvidersDiscovery() async throws {
        let idp = try await OIDCProvider.start()
        defer { idp.stop() }
        // the provider runs on loopback: allowed here, as on a closed network
        try await APIFixture.with(environment: ["PAGEWIRE_OAUTH_ALLOW_PRIVATE_ISSUERS": "true"]) { f, client in
            let path = "/v1/accounts/\(f.companyA.id)/sso"
            // setup: nothing configured yet; the answer says what to register at the provider
            let empty = try await client.call(.get, path, token: f.adminAToken)
            #expect(empty.status == .ok && empty.object["configured"] as? Bool == false)
            #expect((empty.object["redirect_uris"] as? [String])?.first == f.configuration.webPublicURL + "/signin/sso/callback")
            // act: create, against the real provider
            let body = #"""
            {"issuer":"\#(idp.issuer)","client_id":"pagewire-sso","client_secret":"sso-secret-\#(f.companyA.id)","email_domains":["Clinic-A.test"],
             "scopes":["email","profile"],"claims":{"email":"email","name":"name","groups":"roles"},
             "group_departments":[{"group":"cardio","department_id":\#(f.departmentA.id)}],
             "group_rights":[{"group":"fax-admins","rights":["reports","manage_users"]}],"just_in_time_users":true,"sso_only":false}
            """#
            let created = try await client.call(.put, path, token: f.adminAToken, json: body)
            // check: stored as given (domains lower-cased, openid added), the secret never shown and sealed at rest
            #expect(created.status == .ok, "\(created.text)")
            #expect(created.object["configured"] as? Bool == true && created.object["client_secret_set"] as? Bool == true)
            #expect(created.object["email_domains"] as? [String] == ["clinic-a.test"])
            #expect(created.object["scopes"] as? [String] == ["openid", "email", "profile"])
            #expect((created.object["claims"] as? [String: Any])?["groups"] as? String == "roles")
            #expect(created.object["just_in_time_users"] as? Bool == true && created.object["sso_only"] as? Bool == false)
            #expect(!created.text.contains("sso-secret"))
            let sealed: [UInt8] = try await f.database.query("SELECT client_secret_sealed FROM oidc_connections WHERE company_id = ?", f.companyA.id)[0]
                .get("client_secret_sealed")
            #expect(!String(decoding: sealed, as: UTF8.self).contains("sso-secret"))
            let connections = OIDCConnectionRepository(database: f.database, transit: f.vault.documents.transit)
            #expect(try await connections.clientSecret(companyID: f.companyA.id) == "sso-secret-\(f.companyA.id)")
            #expect(try await connections.find(email: "someone@clinic-a.test")?.groupDepartments == ["cardio": f.departmentA.id])
            #expect(try await connections.find(email: "someone@clinic-a.test")?.groupRights == ["fax-admins": [.reports, .manageUsers]])
            #expect((created.object["group_rights"] as? [[String: Any]])?.first?["rights"] as? [String] == ["manage_users", "reports"])
            // an administrator of the security policy alone cannot hand out rights they lack through the provider
            let security = try await UserRepository(database: f.database, passwordParameters: .testing).create(
                accountID: f.companyA.id, email: "security@clinic-a.test", password: "security-pw", scope: f.platform.scope)
            try await UserRepository(database: f.database).grant(userID: security.id, accountID: f.companyA.id,
                                                                 rights: [.viewSecurityPolicy, .manageSecurityPolicy], scope: f.platform.scope)
            let securityToken = try await APITokenRepository(database: f.database).create(userID: security.id, name: "sec", scope: f.platform.scope).secret
            let escalation = try await client.call(.put, path, token: securityToken, json: #"""
                {"issuer":"\#(idp.issuer)","client_id":"pagewire-sso","email_domains":["clinic-a.test"],"group_rights":[{"group":"x","rights":["apps"]}]}
                """#)
            #expect(escalation.status == .unprocessableContent && escalation.text.contains("apps"))
            let unknownRight = try await client.call(.put, path, token: f.adminAToken, json: #"""
                {"issuer":"\#(idp.issuer)","client_id":"pagewire-sso","email_domains":["clinic-a.test"],"group_rights":[{"group":"x","rights":["root"]}]}
                """#)
            #expect(unknownRight.status == .unprocessableContent)
            #expect(try await client.call(.put, path, token: securityToken, json: #"""
                {"issuer":"\#(idp.issuer)","client_id":"pagewire-sso","email_domains":["clinic-a.test"],"group_rights":[{"group":"x","rights":["view_security_policy"]}]}
                """#).status == .ok)
            // an edit without the secret keeps it; SSO only on
            let edited = try await client.call(.put, path, token: f.adminAToken, json: #"""
                {"issuer":"\#(idp.issuer)","client_id":"pagewire-sso-2","email_domains":["clinic-a.test","clinic-a.example"],"sso_only":true}
                """#)
            #expect(edited.status == .ok && edited.object["client_id"] as? String == "pagewire-sso-2" && edited.object["sso_only"] as? Bool == true)
            #expect(try await connections.clientSecret(companyID: f.companyA.id) == "sso-secret-\(f.companyA.id)")
            #expect(try await client.call(.get, path, token: f.adminAToken).object["email_domains"] as? [String] == ["clinic-a.example", "clinic-a.test"])
            // refusals: unreachable issuer, a page that is not a discovery document, another issuer's document, bad fields, a taken domain
            func put(_ json: String, token: String? = nil) async throws -> TestResponse {
                try await client.call(.put, path, token: token ?? f.adminAToken, json: json)
            }
            let unreachable = try await put(#"{"issuer":"http://127.0.0.1:9","client_id":"x","client_secret":"s","email_domains":["clinic-a.test"]}"#)
            #expect(unreachable.status == .unprocessableContent && unreachable.text.contains("could not be fetched"))
            #expect((unreachable.object["errors"] as? [[String: Any]])?.first?["field"] as? String == "issuer")
            let notDiscovery = try await put(#"{"issuer":"\#(idp.issuer)/jwks","client_id":"x","email_domains":["clinic-a.test"]}"#)
            #expect(notDiscovery.status == .unprocessableContent && notDiscovery.text.contains("issuer"))
            let slash = try await put(#"{"issuer":"\#(idp.issuer)/","client_id":"x","email_domains":["clinic-a.test"]}"#)
            #expect(slash.status == .unprocessableContent)
            #expect(try await put(#"{"issuer":"ftp://idp.test","client_id":"x","email_domains":["clinic-a.test"]}"#).status == .unprocessableContent)
            #expect(try await put(#"{"issuer":"\#(idp.issuer)","client_id":"x","email_domains":[]}"#).status == .unprocessableContent)
            #expect(try await put(#"{"issuer":"\#(idp.issuer)","client_id":"x","email_domains":["clinic-a.test"],"group_departments":[{"group":"g","department_id":\#(f.companyB.id)}]}"#)
                .status == .unprocessableContent)
            #expect(try await put("{}").status == .badRequest)
            let taken = try await client.call(.put, "/v1/accounts/\(f.companyB.id)/sso", token: f.bobToken,
                                              json: #"{"issuer":"\#(idp.issuer)","client_id":"b","client_secret":"b","email_domains":["clinic-a.test"]}"#)
            #expect(taken.status == .conflict)
            let newWithoutSecret = try await client.call(.put, "/v1/accounts/\(f.companyB.id)/sso", token: f.bobToken,
                                                         json: #"{"issuer":"\#(idp.issuer)","client_id":"b","email_domains":["law-b.test"]}"#)
            #expect(newWithoutSecret.status == .unprocessableContent && newWithoutSecret.text.contains("client_secret"))
            #expect(try await client.call(.get, path, token: f.adminAToken).object["client_id"] as? String == "pagewire-sso-2")
            // other tenant: 404 for every operation, and nothing changed
            #expect(try await client.call(.get, path, token: f.bobToken).status == .notFound)
            #expect(try await put(body, token: f.bobToken).status == .notFound)
            #expect(try await client.call(.delete, path, token: f.bobToken).status == .notFound)
            // a plain user: 403; a department is not a company: 404
            #expect(try await client.call(.get, path, token: f.aliceToken).status == .forbidden)
            #expect(try await client.call(.get, "/v1/accounts/\(f.departmentA.id)/sso", token: f.adminAToken).status == .notFound)
            // delete: the domain signs in with passwords again
            #expect(try await client.call(.delete, path, token: f.adminAToken).status == .noContent)
            #expect(try await connections.find(email: "someone@clinic-a.test") == nil)
            #expect(try await client.call(.get, path, token: f.adminAToken).object["configured"] as? Bool == false)
            // audited: each change once by the repository, once by the admin route
            let rows = try await f.database.query(
                "SELECT action, detail FROM audit_log WHERE account_id = ? AND (target_type = 'oidc_connection' OR detail LIKE '%SSO%') ORDER BY id", f.companyA.id
            ).map { (try $0.get("action", as: String.self), try $0.get("detail", as: String.self)) }
            #expect(rows.filter { $0.1.hasPrefix("single sign-on through") }.count == 3)
            #expect(rows.contains { $0.1 == "single sign-on removed" })
            #expect(rows.filter { $0.0 == "admin.change" && $0.1.hasPrefix("changeSSO") }.count == 4)
        }
    }

    @Test func byDefaultAnIssuerOnALoopbackOrPrivateAddressIsRefused() async throws {
        let idp = try await OIDCProvider.start()
        defer { idp.stop() }
        try await APIFixture.with { f, client in
            // act: a tenant names an internal address as its issuer (the platform would fetch it)
            for issuer in [idp.issuer, "http://10.0.0.7/openid", "http://[::1]:8080"] {
                let answer = try await client.call(.put, "/v1/accounts/\(f.companyA.id)/sso", token: f.adminAToken,
                                                   json: #"{"issuer":"\#(issuer)","client_id":"x","client_secret":"s","email_domains":["clinic-a.test"]}"#)
                // check: refused before anything is fetched, nothing stored
                #expect(answer.status == .unprocessableContent && answer.text.contains("private address"), "\(issuer): \(answer.text)")
            }
            #expect(try await f.count("oidc_connections") == 0)
        }
    }

    /// Every `/v1/accounts/{id}/sso` operation, for the OpenAPI coverage test.
    static func exerciseAll(_ f: APIFixture, _ client: any TestClientProtocol) async throws {
        let path = "/v1/accounts/\(f.companyA.id)/sso"
        #expect(try await client.call(.get, path, token: f.adminAToken).status == .ok)
        #expect(try await client.call(.put, path, token: f.adminAToken,
                                      json: #"{"issuer":"http://127.0.0.1:9","client_id":"x","client_secret":"s","email_domains":["clinic-a.test"]}"#)
            .status == .unprocessableContent)
        #expect(try await client.call(.put, path, token: f.adminAToken, json: "[").status == .badRequest)
        #expect(try await client.call(.get, path, token: f.bobToken).status == .notFound)
        #expect(try await client.call(.get, path, token: f.aliceToken).status == .forbidden)
        #expect(try await client.call(.delete, path, token: f.adminAToken).status == .noContent)
    }
}
