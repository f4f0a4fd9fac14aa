import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
@testable import Web
import Testing

@Suite("API tokens and problem documents")
struct APITokenTests {
    @Test func tokenAuthenticatesStoredOnlyAsDigestAndRevocationEndsIt() async throws {
        try await APIFixture.with { f, client in
            // act
            let me = try await client.call(.get, "/v1/me", token: f.aliceToken)
            // check: the caller is alice, scoped to her department
            #expect(me.status == .ok)
            #expect(me.object["user_id"] as? Int == Int(f.alice.id))
            #expect(me.object["company_id"] as? Int == Int(f.companyA.id))
            #expect(me.object["scope_account_id"] as? Int == Int(f.departmentA.id))
            // an administrator's scope widens to the node they administer
            let admin = try await client.call(.get, "/v1/me", token: f.adminAToken)
            #expect(admin.object["scope_account_id"] as? Int == Int(f.companyA.id))
            // the secret itself is nowhere in the table
            let rows = try await f.database.query("SELECT token_hash, token_prefix FROM api_tokens")
            #expect(rows.count == 3)
            for row in rows {
                let hash: String = try row.get("token_hash")
                #expect(hash.count == 64 && ![f.aliceToken, f.adminAToken, f.bobToken].contains(hash))
            }
            // revoke alice's token: it stops working at once
            let tokens = APITokenRepository(database: f.database)
            let alices = try await tokens.list(userID: f.alice.id, scope: f.companyA.scope)
            try await tokens.revoke(id: try #require(alices.first).id, scope: f.companyA.scope)
            let after = try await client.call(.get, "/v1/me", token: f.aliceToken)
            #expect(after.status == .unauthorized)
            #expect(after.headers[.contentType] == "application/problem+json")
            #expect(after.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            // another tenant cannot revoke bob's token by id
            let bobs = try await tokens.list(userID: f.bob.id, scope: f.companyB.scope)
            await #expect(throws: APITokenError.notFound) { try await tokens.revoke(id: bobs[0].id, scope: f.companyA.scope) }
            #expect(try await client.call(.get, "/v1/me", token: f.bobToken).status == .ok)
        }
    }

    @Test func lockedUsersAndUnknownTokensAreRefused() async throws {
        try await APIFixture.with { f, client in
            for header in [nil, "Basic YWxpY2U6cHc=", "Bearer pwt_doesnotexist000000000000000000000", "Bearer "] as [String?] {
                var headers: HTTPFields = [:]
                if let header { headers[.authorization] = header }
                let response = try await client.execute(uri: "/v1/faxes", method: .get, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.object["status"] as? Int == 401)
                #expect(response.object["type"] as? String == "urn:pagewire:problem:unauthorized")
            }
            try await UserRepository(database: f.database).setStatus(userID: f.bob.id, .locked, scope: f.platform.scope)
            #expect(try await client.call(.get, "/v1/me", token: f.bobToken).status == .unauthorized)
        }
    }

    @Test func everyErrorIsAProblemDocument() async throws {
        try await APIFixture.with(maxBodyBytes: 64 * 1024) { f, client in
            // unknown routes under /v1, with and without a token
            for (method, path, token) in [(HTTPRequest.Method.get, "/v1/nothing-here", nil), (.get, "/v1/faxes/1/nothing", f.aliceToken),
                                          (.delete, "/v1/faxes", f.aliceToken), (.post, "/v1/unknown/deeper/path", f.aliceToken)] as [(HTTPRequest.Method, String, String?)] {
                let response = try await client.call(method, path, token: token)
                #expect(response.status == .notFound, "\(method) \(path)")
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.object["title"] as? String == "Not found")
            }
            // malformed JSON
            let malformed = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: "{\"recipients\": [")
            #expect(malformed.status == .badRequest)
            #expect(malformed.headers[.contentType] == "application/problem+json")
            #expect(malformed.object["type"] as? String == "urn:pagewire:problem:malformed-request")
            // JSON of the wrong shape
            let wrong = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: "{\"recipients\": \"+12065550100\"}")
            #expect(wrong.status == .badRequest)
            #expect((wrong.object["detail"] as? String)?.contains("recipients") == true)
            // a body over the limit
            let big = "{\"recipients\":[\"+12065550100\"],\"files\":[{\"content_base64\":\"" + String(repeating: "A", count: 100 * 1024) + "\"}]}"
            let tooLarge = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: big)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.headers[.contentType] == "application/problem+json")
            #expect(tooLarge.object["status"] as? Int == 413)
            // an unsupported media type
            let form = try await client.execute(uri: "/v1/faxes", method: .post,
                headers: [.authorization: "Bearer \(f.aliceToken)", .contentType: "text/plain"], body: ByteBuffer(string: "fax it"))
            #expect(form.status == .unsupportedMediaType)
            #expect(form.headers[.contentType] == "application/problem+json")
            // nothing of any of these was created
            #expect(try await f.count("faxes") == 0)
            #expect(try await f.count("documents") == 0)
        }
    }

    @Test func commandLineCreatesATokenPrintedOnce() async throws {
        try await APIFixture.with { f, client in
            // act: the real pagewire-jobs binary against the test database
            let process = try TestProcess.start("pagewire-jobs", ["create-api-token", "--login", "bob@law-b.test", "--name", "ci export"],
                                                environment: ["PAGEWIRE_DATABASE_URL": f.test.url.urlString])
            var lines: [String] = []
            while let line = try process.readLine() { lines.append(line) }
            #expect(process.wait() == 0)
            // check: the last line is the token, and it works
            let token = try #require(lines.last)
            #expect(token.hasPrefix("pwt_") && token.count == 36)
            let me = try await client.call(.get, "/v1/me", token: token)
            #expect(me.status == .ok)
            #expect(me.object["user_id"] as? Int == Int(f.bob.id))
            let stored = try await APITokenRepository(database: f.database).list(userID: f.bob.id, scope: f.companyB.scope)
            #expect(stored.map(\.name).contains("ci export"))
        }
    }
}
