import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
@testable import Web
import Testing

@Suite("API apps: registrations")
struct AppsAPITests {
    @Test func adminRegistersAppWithValidatedActingUserAndSecretShownOnce() async throws {
        try await APIFixture.with { f, client in
            // act
            let created = try await client.call(.post, "/v1/apps", token: f.adminAToken, json: """
                {"name":"EHR bridge","description":"sends referrals","acting_user":"\(f.alice.email)","resources":["faxws","iws"],
                 "access_token_seconds":900,"refresh_tokens":true,"refresh_token_seconds":86400}
                """)
            // check
            #expect(created.status == .created)
            let id = try #require(created.object["id"] as? Int)
            let secret = try #require(created.object["client_secret"] as? String)
            #expect(secret.hasPrefix("pws_") && secret.count == 44)
            #expect((created.object["client_id"] as? String)?.hasPrefix("pwc_") == true)
            #expect(created.object["scopes"] as? [String] == ["fax.send", "fax.read", "inbound.read"])
            #expect(created.object["acting_user_id"] as? Int == Int(f.alice.id))
            #expect(created.headers[.location] == "/v1/apps/\(id)")
            // the secret is stored only as a digest and never shown again
            let stored: String = try await f.database.query("SELECT secret_hash FROM api_app_secrets")[0].get("secret_hash")
            #expect(stored.count == 64 && stored != secret)
            let shown = try await client.call(.get, "/v1/apps/\(id)", token: f.adminAToken)
            #expect(shown.status == .ok)
            #expect(!shown.text.contains(secret))
            #expect((shown.object["secrets"] as? [[String: Any]])?.count == 1)
            let list = try await client.call(.get, "/v1/apps", token: f.adminAToken)
            #expect((list.object["apps"] as? [[String: Any]])?.count == 1)
            // changing it keeps the client id
            let changed = try await client.call(.put, "/v1/apps/\(id)", token: f.adminAToken, json: """
                {"name":"EHR bridge 2","acting_user":"\(f.alice.id)","resources":["faxws"]}
                """)
            #expect(changed.status == .ok)
            #expect(changed.object["client_id"] as? String == created.object["client_id"] as? String)
            #expect(changed.object["refresh_tokens"] as? Bool == false)
            // every change is in the audit log
            let actions = try await f.database.query("SELECT action FROM audit_log WHERE action LIKE 'app.%' ORDER BY id").map { try $0.get("action", as: String.self) }
            #expect(actions == ["app.create", "app.secret_add", "app.change"])
            #expect(try await client.call(.delete, "/v1/apps/\(id)", token: f.adminAToken).status == .noContent)
            #expect(try await client.call(.get, "/v1/apps/\(id)", token: f.adminAToken).status == .notFound)
        }
    }

    @Test func validationTenantIsolationAndRights() async throws {
        try await APIFixture.with { f, client in
            func register(_ token: String, _ body: String) async throws -> TestResponse {
                try await client.call(.post, "/v1/apps", token: token, json: body)
            }
            // another tenant's user cannot be the acting user; neither can an unknown one
            let foreign = try await register(f.adminAToken, #"{"name":"x","acting_user":"\#(f.bob.email)","resources":["faxws"]}"#)
            #expect(foreign.status == .unprocessableContent)
            #expect((foreign.object["errors"] as? [[String: Any]])?.first?["field"] as? String == "acting_user")
            #expect(try await register(f.adminAToken, #"{"name":"x","acting_user":"nobody@x.test","resources":["faxws"]}"#).status == .unprocessableContent)
            // AMWS needs an administrator as the acting account
            #expect(try await register(f.adminAToken, #"{"name":"x","acting_user":"\#(f.alice.email)","resources":["amws"]}"#).status == .unprocessableContent)
            #expect(try await register(f.adminAToken, #"{"name":"x","acting_user":"\#(f.adminA.email)","resources":["amws"]}"#).status == .created)
            // field checks
            for bad in [#""resources":[]"#, #""resources":["nope"]"#, #""resources":["faxws"],"access_token_seconds":5"#,
                        #""resources":["faxws"],"external_issuer":"https://idp.test""#, #""resources":["faxws"],"external_issuer":"ftp://x","metadata_url":"https://m","audience":"a""#] {
                #expect(try await register(f.adminAToken, #"{"name":"x","acting_user":"\#(f.alice.email)",\#(bad)}"#).status == .unprocessableContent, "\(bad)")
            }
            #expect(try await register(f.adminAToken, "{").status == .badRequest)
            // a user without the apps right, and the other tenant, get nothing
            #expect(try await client.call(.get, "/v1/apps", token: f.aliceToken).status == .forbidden)
            let app = try await f.registerApp(client)
            #expect(try await client.call(.get, "/v1/apps/\(app.id)", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.delete, "/v1/apps/\(app.id)", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.post, "/v1/apps/\(app.id)/secrets", token: f.bobToken, json: "{}").status == .notFound)
            #expect((try await client.call(.get, "/v1/apps", token: f.bobToken).object["apps"] as? [Any])?.isEmpty == true)
            // an app's own token cannot manage apps
            let token = try #require(try await client.accessToken(clientID: app.clientID, secret: app.secret))
            let refused = try await client.call(.get, "/v1/apps", token: token)
            #expect(refused.status == .forbidden)
            #expect(refused.object["type"] as? String == "urn:pagewire:problem:insufficient-scope")
        }
    }

    @Test func twentyFiveAppsPerCompanyUnlessThePlatformLiftsItToSixty() async throws {
        try await APIFixture.with { f, client in
            // setup: 24 apps registered directly, one through the API
            let apps = APIAppRepository(database: f.database)
            for n in 1...24 {
                _ = try await apps.create(APIAppDraft(name: "app \(n)", actingUser: f.alice.email, resources: [.faxWS]), scope: f.companyA.scope, createdBy: nil)
            }
            _ = try await f.registerApp(client, name: "the 25th")
            // act / check: the 26th is refused
            let over = try await client.call(.post, "/v1/apps", token: f.adminAToken, json: #"{"name":"26","acting_user":"\#(f.alice.email)","resources":["faxws"]}"#)
            #expect(over.status == .conflict)
            #expect(over.object["type"] as? String == "urn:pagewire:problem:app-limit")
            // the other company is not affected
            #expect(try await client.call(.post, "/v1/apps", token: f.bobToken, json: #"{"name":"b","acting_user":"\#(f.bob.email)","resources":["faxws"]}"#).status == .created)
            // the platform lifts the limit, never beyond 60
            await #expect(throws: APIAppError.self) { try await apps.setMaxApps(companyID: f.companyA.id, to: 61, scope: f.platform.scope) }
            await #expect(throws: APIAppError.notFound) { try await apps.setMaxApps(companyID: f.companyA.id, to: 30, scope: f.companyB.scope) }
            try await apps.setMaxApps(companyID: f.companyA.id, to: 26, scope: f.platform.scope)
            #expect(try await apps.maxApps(companyID: f.companyA.id) == 26)
            _ = try await f.registerApp(client, name: "26 now")
            #expect(try await client.call(.post, "/v1/apps", token: f.adminAToken, json: #"{"name":"27","acting_user":"\#(f.alice.email)","resources":["faxws"]}"#).status == .conflict)
        }
    }

    @Test func atMostTwoLiveSecretsEachShownOnce() async throws {
        try await APIFixture.with { f, client in
            let app = try await f.registerApp(client)
            let second = try await client.call(.post, "/v1/apps/\(app.id)/secrets", token: f.adminAToken, json: #"{"lifetime_seconds":7200}"#)
            #expect(second.status == .created)
            #expect((second.object["client_secret"] as? String)?.hasPrefix("pws_") == true)
            let third = try await client.call(.post, "/v1/apps/\(app.id)/secrets", token: f.adminAToken, json: "{}")
            #expect(third.status == .conflict)
            #expect(try await client.call(.post, "/v1/apps/\(app.id)/secrets", token: f.adminAToken, json: #"{"lifetime_seconds":1}"#).status == .unprocessableContent)
            let secrets = try #require(try await client.call(.get, "/v1/apps/\(app.id)", token: f.adminAToken).object["secrets"] as? [[String: Any]])
            #expect(secrets.count == 2)
            let firstID = try #require(secrets.first?["id"] as? Int)
            #expect(try await client.call(.delete, "/v1/apps/\(app.id)/secrets/\(firstID)", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.delete, "/v1/apps/\(app.id)/secrets/\(firstID)", token: f.adminAToken).status == .noContent)
            #expect(try await client.call(.delete, "/v1/apps/\(app.id)/secrets/\(firstID)", token: f.adminAToken).status == .notFound)
            #expect(try await client.call(.post, "/v1/apps/\(app.id)/secrets", token: f.adminAToken, json: "{}").status == .created)
        }
    }
}

extension AppsAPITests {
    /// Every `/v1/apps` operation with its answers, for the OpenAPI coverage test.
    static func exerciseAll(_ f: APIFixture, _ client: any TestClientProtocol) async throws {
        let app = try await f.registerApp(client, name: "spec app")
        #expect(try await client.call(.post, "/v1/apps", token: f.adminAToken, json: "[").status == .badRequest)
        #expect(try await client.call(.post, "/v1/apps", token: f.adminAToken, json: #"{"name":"","acting_user":"x","resources":["faxws"]}"#).status == .unprocessableContent)
        #expect(try await client.call(.post, "/v1/apps", token: f.aliceToken, json: #"{"name":"x","acting_user":"x","resources":["faxws"]}"#).status == .forbidden)
        #expect(try await client.call(.post, "/v1/apps", token: nil, json: "{}").status == .unauthorized)
        #expect(try await client.call(.get, "/v1/apps", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.get, "/v1/apps/\(app.id)", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.get, "/v1/apps/\(app.id)", token: f.bobToken).status == .notFound)
        #expect(try await client.call(.put, "/v1/apps/\(app.id)", token: f.adminAToken, json: """
            {"name":"spec app","acting_user":"\(f.alice.email)","resources":["faxws"],"external_issuer":"https://idp.example","metadata_url":"https://idp.example/.well-known/openid-configuration","audience":"pagewire"}
            """).status == .ok)
        #expect(try await client.call(.put, "/v1/apps/\(app.id)", token: f.adminAToken, json: #"{"name":"x","acting_user":"x","resources":["faxws"]}"#).status == .unprocessableContent)
        let secret = try await client.call(.post, "/v1/apps/\(app.id)/secrets", token: f.adminAToken, json: "{}")
        #expect(secret.status == .created)
        #expect(try await client.call(.post, "/v1/apps/\(app.id)/secrets", token: f.adminAToken, json: "{}").status == .conflict)
        let secretID = try #require(secret.object["id"] as? Int)
        #expect(try await client.call(.delete, "/v1/apps/\(app.id)/secrets/\(secretID)", token: f.adminAToken).status == .noContent)
        // an app token without the fax.send scope is refused with 403 on a faxes route
        let token = try #require(try await client.accessToken(clientID: app.clientID, secret: app.secret, scope: "fax.read"))
        #expect(try await client.call(.get, "/v1/faxes?limit=1", token: token).status == .ok)
        #expect(try await client.call(.post, "/v1/faxes/cancel", token: token, json: #"{"ids":[1]}"#).status == .forbidden)
        #expect(try await client.call(.delete, "/v1/apps/\(app.id)", token: f.adminAToken).status == .noContent)
    }
}
