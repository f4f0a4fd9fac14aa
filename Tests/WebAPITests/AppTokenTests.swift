import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
@testable import Web
import Testing

@Suite("API apps: token endpoint, app tokens on /v1, hostile tokens, rotation")
struct AppTokenTests {
    @Test func clientCredentialsGiveAnES256TokenThatTheAPIAcceptsWithScopeChecks() async throws {
        try await APIFixture.with { f, client in
            let app = try await f.registerApp(client, resources: ["faxws"])
            // act: Basic authentication
            let answer = try await client.oauthToken([("grant_type", "client_credentials")], basic: (app.clientID, app.secret))
            // check: RFC 6749 answer, not cacheable
            #expect(answer.status == .ok)
            #expect(answer.headers[.cacheControl] == "no-store")
            #expect(answer.object["token_type"] as? String == "Bearer")
            #expect(answer.object["expires_in"] as? Int == 3600)
            #expect(answer.object["scope"] as? String == "fax.send fax.read")
            #expect(answer.object["refresh_token"] == nil)
            let token = try #require(answer.object["access_token"] as? String)
            let header = try #require(JWTParts.json(token, part: 0))
            #expect(header["alg"] as? String == "ES256")
            let kid = try #require(header["kid"] as? String)
            let claims = try #require(JWTParts.json(token, part: 1))
            #expect(claims["sub"] as? String == String(f.alice.id))
            #expect(claims["iss"] as? String == f.configuration.oauthIssuer)
            // the key is published, and discovery points at it
            let jwks = try await client.unrecorded.execute(uri: "/.well-known/jwks.json", method: .get)
            let keys = try #require(jwks.object["keys"] as? [[String: Any]])
            #expect(keys.contains { $0["kid"] as? String == kid && $0["kty"] as? String == "EC" && $0["alg"] as? String == "ES256" && $0["d"] == nil })
            let discovery = try await client.unrecorded.execute(uri: "/.well-known/openid-configuration", method: .get)
            #expect(discovery.object["issuer"] as? String == f.configuration.oauthIssuer)
            #expect(discovery.object["jwks_uri"] as? String == f.configuration.oauthIssuer + "/.well-known/jwks.json")
            // the token acts as alice
            let me = try await client.call(.get, "/v1/me", token: token)
            #expect(me.status == .ok)
            #expect(me.object["user_id"] as? Int == Int(f.alice.id))
            #expect(try await client.call(.get, "/v1/faxes", token: token).status == .ok)
            #expect(try await client.call(.post, "/v1/faxes", token: token, json: FaxesAPITests.submission(["+12065550100"])).status == .accepted)
            // a token asked for fax.read only cannot send; other resources are out of reach
            let readOnly = try #require(try await client.accessToken(clientID: app.clientID, secret: app.secret, scope: "fax.read"))
            #expect(try await client.call(.get, "/v1/faxes", token: readOnly).status == .ok)
            let refused = try await client.call(.post, "/v1/faxes", token: readOnly, json: FaxesAPITests.submission(["+12065550100"]))
            #expect(refused.status == .forbidden)
            #expect(refused.headers[.contentType] == "application/problem+json")
            #expect(refused.headers[.wwwAuthenticate]?.contains("insufficient_scope") == true)
            #expect(try await client.call(.get, "/v1/audit-log", token: token).status == .forbidden)
            // an inbound-only app has no fax scopes at all
            let inbound = try await f.registerApp(client, name: "inbound", resources: ["iws"])
            let inboundToken = try #require(try await client.accessToken(clientID: inbound.clientID, secret: inbound.secret))
            #expect(try await client.call(.get, "/v1/faxes", token: inboundToken).status == .forbidden)
        }
    }

    @Test func tokenEndpointErrorsFollowRFC6749() async throws {
        try await APIFixture.with { f, client in
            let app = try await f.registerApp(client)
            func error(_ r: TestResponse) -> String? { r.object["error"] as? String }
            let wrong = try await client.oauthToken([("grant_type", "client_credentials")], basic: (app.clientID, app.secret + "x"))
            #expect(wrong.status == .unauthorized && error(wrong) == "invalid_client")
            #expect(wrong.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
            let unknown = try await client.oauthToken([("grant_type", "client_credentials"), ("client_id", "pwc_nope"), ("client_secret", app.secret)])
            #expect(unknown.status == .unauthorized && error(unknown) == "invalid_client")
            #expect(error(try await client.oauthToken([("grant_type", "client_credentials")])) == "invalid_client")
            #expect(error(try await client.oauthToken([], basic: (app.clientID, app.secret))) == "invalid_request")
            #expect(error(try await client.oauthToken([("grant_type", "password")], basic: (app.clientID, app.secret))) == "unsupported_grant_type")
            #expect(error(try await client.oauthToken([("grant_type", "client_credentials"), ("scope", "accounts.manage")], basic: (app.clientID, app.secret))) == "invalid_scope")
            #expect(error(try await client.oauthToken([("grant_type", "refresh_token"), ("refresh_token", "pwr_x")], basic: (app.clientID, app.secret))) == "unauthorized_client")
            let repeated = try await client.oauthToken([("grant_type", "client_credentials"), ("grant_type", "client_credentials")], basic: (app.clientID, app.secret))
            #expect(repeated.status == .badRequest && error(repeated) == "invalid_request")
            let json = try await client.unrecorded.execute(uri: "/oauth/token", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}"))
            #expect(json.status == .badRequest && error(json) == "invalid_request")
            // a locked acting user gets no tokens
            try await UserRepository(database: f.database).setStatus(userID: f.alice.id, .locked, scope: f.platform.scope)
            #expect(error(try await client.oauthToken([("grant_type", "client_credentials")], basic: (app.clientID, app.secret))) == "invalid_client")
        }
    }

    @Test func refreshTokensWorkOnceWhenTheAppHasThem() async throws {
        try await APIFixture.with { f, client in
            let app = try await f.registerApp(client, extra: #","refresh_tokens":true,"refresh_token_seconds":7200"#)
            let first = try await client.oauthToken([("grant_type", "client_credentials")], basic: (app.clientID, app.secret))
            let refresh = try #require(first.object["refresh_token"] as? String)
            // act
            let renewed = try await client.oauthToken([("grant_type", "refresh_token"), ("refresh_token", refresh)], basic: (app.clientID, app.secret))
            // check: a new access token and a new refresh token; the old one is spent
            #expect(renewed.status == .ok)
            let next = try #require(renewed.object["refresh_token"] as? String)
            #expect(next != refresh)
            #expect(try await client.call(.get, "/v1/me", token: try #require(renewed.object["access_token"] as? String)).status == .ok)
            let replay = try await client.oauthToken([("grant_type", "refresh_token"), ("refresh_token", refresh)], basic: (app.clientID, app.secret))
            #expect(replay.status == .badRequest && replay.object["error"] as? String == "invalid_grant")
            // another app cannot use this app's refresh token
            let other = try await f.registerApp(client, name: "other", extra: #","refresh_tokens":true"#)
            let stolen = try await client.oauthToken([("grant_type", "refresh_token"), ("refresh_token", next)], basic: (other.clientID, other.secret))
            #expect(stolen.object["error"] as? String == "invalid_grant")
        }
    }

    @Test func hostileTokensAreRefusedWith401AndAudited() async throws {
        try await APIFixture.with { f, client in
            // setup: a real token (the server creates the signing key), the same key for forging
            let app = try await f.registerApp(client)
            let good = try #require(try await client.accessToken(clientID: app.clientID, secret: app.secret))
            let identity = IdentityServices(configuration: f.configuration, database: f.database, vault: f.vault)
            let signer = try await identity.keys.currentSigner()
            #expect(JWTParts.json(good, part: 0)?["kid"] as? String == signer.kid)
            let bobApp = try await APIAppRepository(database: f.database).create(
                APIAppDraft(name: "bob's", actingUser: f.bob.email, resources: [.faxWS]), scope: f.companyB.scope, createdBy: nil)
            let now = Date().timeIntervalSince1970.rounded(.down)
            let issuer = f.configuration.oauthIssuer
            func claims(_ changes: [String: Any] = [:]) -> [String: Any] {
                var c: [String: Any] = ["iss": issuer, "sub": String(f.alice.id), "aud": issuer + "/v1", "exp": now + 600, "nbf": now, "iat": now,
                                        "scope": "fax.send fax.read", "client_id": app.clientID, "jti": UUID().uuidString]
                for (k, v) in changes { c[k] = v }
                return c
            }
            let es256 = { (input: Data) -> Data in try! signer.key.signature(for: input).rawRepresentation }
            let header: [String: Any] = ["alg": "ES256", "kid": signer.kid, "typ": "at+jwt"]
            // the forger's control: a token made this way with honest claims is accepted
            let honest = JWTParts.make(header: header, claims: claims(), sign: es256)
            #expect(try await client.call(.get, "/v1/me", token: honest).status == .ok)
            let parts = good.split(separator: ".").map(String.init)
            let tamperedPayload = JWTParts.encode(claims(["scope": "fax.send fax.read accounts.manage", "sub": String(f.adminA.id)]))
            let otherKey = P256.Signing.PrivateKey()
            let publicKeyBytes = Data(signer.key.publicKey.pemRepresentation.utf8)
            let hostile: [(String, String)] = [
                ("expired", JWTParts.make(header: header, claims: claims(["exp": now - 3600, "iat": now - 7200, "nbf": now - 7200]), sign: es256)),
                ("not yet valid", JWTParts.make(header: header, claims: claims(["nbf": now + 3600, "exp": now + 7200]), sign: es256)),
                ("wrong audience", JWTParts.make(header: header, claims: claims(["aud": "https://elsewhere.example/v1"]), sign: es256)),
                ("wrong issuer", JWTParts.make(header: header, claims: claims(["iss": "https://evil.example"]), sign: es256)),
                ("alg none", JWTParts.make(header: ["alg": "none", "kid": signer.kid], claims: claims(), sign: { _ in Data() })),
                ("HS256 with the public key", JWTParts.make(header: ["alg": "HS256", "kid": signer.kid], claims: claims(), sign: { input in
                    Data(HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: publicKeyBytes))) })),
                ("unknown kid", JWTParts.make(header: ["alg": "ES256", "kid": "pw-unknownkey0000"], claims: claims(), sign: { input in
                    try! otherKey.signature(for: input).rawRepresentation })),
                ("tampered payload", [parts[0], tamperedPayload, parts[2]].joined(separator: ".")),
                ("another tenant's app", JWTParts.make(header: header, claims: claims(["client_id": bobApp.clientID]), sign: es256)),
            ]
            let refusedBefore = try await Self.refusals(f)
            for (what, token) in hostile {
                // act
                let response = try await client.call(.get, "/v1/faxes", token: token)
                // check
                #expect(response.status == .unauthorized, "\(what)")
                #expect(response.headers[.contentType] == "application/problem+json", "\(what)")
                #expect(response.object["type"] as? String == "urn:pagewire:problem:unauthorized", "\(what)")
                #expect(response.headers[.wwwAuthenticate]?.contains("invalid_token") == true, "\(what)")
            }
            let refused = try await Self.refusals(f)
            #expect(refused.count - refusedBefore.count == hostile.count)
            let details = refused.dropFirst(refusedBefore.count).map(\.detail)
            for reason in ["expired", "not yet valid", "wrong audience", "unknown issuer", "algorithm 'none'", "algorithm 'HS256'",
                           "unknown key id", "signature does not verify", "subject is not the app's acting user"] {
                #expect(details.contains { $0.contains(reason) }, "no audit row for \(reason): \(details)")
            }
            // a refusal whose signature proved the app is filed under the app's company
            #expect(refused.contains { $0.accountID == f.companyA.id && $0.detail.contains("expired") })
            #expect(refused.contains { $0.accountID == f.companyB.id && $0.detail.contains("subject") })
            // the genuine token still works
            #expect(try await client.call(.get, "/v1/faxes", token: good).status == .ok)
        }
    }

    @Test func secretRotationWithoutDowntimeAndDeletedSecretStopsAtOnce() async throws {
        try await APIFixture.with { f, client in
            let app = try await f.registerApp(client)
            let apps = APIAppRepository(database: f.database)
            let firstSecretID = try #require(try await apps.secrets(appID: Int64(app.id), scope: f.companyA.scope).first?.id)
            // act: a client asks for a token before, during and after the rotation, each step
            // with the secret it holds then; every request must succeed
            var results: [Bool] = []
            var current = app.secret
            func fetch() async throws { results.append(try await client.accessToken(clientID: app.clientID, secret: current) != nil) }
            try await fetch()
            let added = try await client.call(.post, "/v1/apps/\(app.id)/secrets", token: f.adminAToken, json: "{}")
            let newSecret = try #require(added.object["client_secret"] as? String)
            try await fetch()  // the old secret still works
            let old = current
            current = newSecret
            try await fetch()  // and so does the new one
            #expect(try await client.accessToken(clientID: app.clientID, secret: old) != nil)
            // concurrent clients keep working while the old secret is deleted
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await client.accessToken(clientID: app.clientID, secret: newSecret) != nil }
                }
                group.addTask {
                    try await apps.deleteSecret(appID: Int64(app.id), secretID: firstSecretID, scope: f.companyA.scope, actor: f.adminA.id)
                    return true
                }
                for try await ok in group { results.append(ok) }
            }
            try await fetch()
            // check
            #expect(results.allSatisfy { $0 }, "\(results)")
            let deleted = try await client.oauthToken([("grant_type", "client_credentials")], basic: (app.clientID, old))
            #expect(deleted.status == .unauthorized)
            #expect(deleted.object["error"] as? String == "invalid_client")
            // a deleted app's access tokens stop at once
            let token = try #require(try await client.accessToken(clientID: app.clientID, secret: newSecret))
            #expect(try await client.call(.get, "/v1/me", token: token).status == .ok)
            #expect(try await client.call(.delete, "/v1/apps/\(app.id)", token: f.adminAToken).status == .noContent)
            #expect(try await client.call(.get, "/v1/me", token: token).status == .unauthorized)
        }
    }

    struct Refusal { var accountID: Int64; var detail: String }

    static func refusals(_ f: APIFixture) async throws -> [Refusal] {
        try await f.database.query("SELECT account_id, detail FROM audit_log WHERE action = 'auth.token_refused' ORDER BY id").map {
            Refusal(accountID: try $0.get("account_id"), detail: try $0.get("detail"))
        }
    }
}

/// Builds and reads JWTs by hand, so tests can forge what a library would refuse to make.
enum JWTParts {
    static func encode(_ object: [String: Any]) -> String {
        base64URL(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func make(header: [String: Any], claims: [String: Any], sign: (Data) -> Data) -> String {
        let input = encode(header) + "." + encode(claims)
        return input + "." + base64URL(sign(Data(input.utf8)))
    }

    static func json(_ token: String, part: Int) -> [String: Any]? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var s = String(parts[part]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        guard let data = Data(base64Encoded: s) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }
}
