import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
@testable import Web
import Testing

@Suite("API apps: tokens from an external identity provider (django-oidc-provider on loopback)")
struct ExternalIssuerTokenTests {
    @Test func tokensOfTheRegisteredIssuerAreAcceptedAndTheProviderMayRotateItsKey() async throws {
        let idp = try await OIDCProvider.start()
        defer { idp.stop() }
        try await APIFixture.with(environment: ["PAGEWIRE_OAUTH_EXTERNAL_KEYS_MIN_REFRESH_SECONDS": "2",
                                                  // every request verifies again: the old key's token must fail right after the rotation
                                                  "PAGEWIRE_OAUTH_VERIFIED_TOKEN_CACHE_SECONDS": "0"]) { f, client in
            // setup: company A trusts the provider for audience pagewire-app; company B for other-app
            let issuerFields = #","external_issuer":"\#(idp.issuer)","metadata_url":"\#(idp.metadataURL)","audience":"pagewire-app""#
            _ = try await f.registerApp(client, name: "workflow", resources: ["faxws"], extra: issuerFields)
            _ = try await APIAppRepository(database: f.database).create(
                APIAppDraft(name: "b workflow", actingUser: f.bob.email, resources: [.faxWS], externalIssuer: idp.issuer,
                            metadataURL: idp.metadataURL, audience: "other-app"), scope: f.companyB.scope, createdBy: nil)
            let token = try await idp.idToken()
            #expect(JWTParts.json(token, part: 0)?["alg"] as? String == "RS256")
            // act / check: the provider's token acts as the app's user, with the app's scopes
            let me = try await client.call(.get, "/v1/me", token: token)
            #expect(me.status == .ok)
            #expect(me.object["user_id"] as? Int == Int(f.alice.id))
            #expect(try await client.call(.get, "/v1/faxes", token: token).status == .ok)
            #expect(try await client.call(.get, "/v1/audit-log", token: token).status == .forbidden)
            // the audience picks the tenant: the same provider's token for other-app is company B's
            let other = try await idp.idToken(client: "other-app", secret: "other-app-secret", username: "bob", password: "bob-idp-pw")
            #expect(try await client.call(.get, "/v1/me", token: other).object["user_id"] as? Int == Int(f.bob.id))
            // hostile variants are refused: tampered audience, algorithm confusion, none
            let parts = token.split(separator: ".").map(String.init)
            var claims = try #require(JWTParts.json(token, part: 1))
            claims["aud"] = "other-app"
            let header = try #require(JWTParts.json(token, part: 0))
            let jwks = try await Curl.get(url: idp.issuer + "/jwks")
            let hostile = [
                [parts[0], JWTParts.encode(claims), parts[2]].joined(separator: "."),
                JWTParts.make(header: ["alg": "HS256", "kid": header["kid"]!], claims: claims, sign: { input in
                    Data(HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: jwks.body))) }),
                JWTParts.make(header: ["alg": "none", "kid": header["kid"]!], claims: claims, sign: { _ in Data() }),
            ]
            for bad in hostile {
                let answer = try await client.call(.get, "/v1/me", token: bad)
                #expect(answer.status == .unauthorized && answer.headers[.contentType] == "application/problem+json")
            }
            // a flood of unknown key ids makes at most one fetch of the provider's keys per interval
            let fetchesBefore = try await idp.jwksRequests()
            let floodStart = Date()
            for n in 0..<6 {
                let forged = JWTParts.make(header: ["alg": "RS256", "kid": "invented-\(n)"], claims: claims, sign: { _ in Data(repeating: 1, count: 256) })
                #expect(try await client.call(.get, "/v1/me", token: forged).status == .unauthorized)
            }
            // (one fetch per started 2 s interval: on a loaded machine the six requests may span more than
            // one; and one more when the refresh allowed just before the flood is counted by the provider
            // only after `fetchesBefore` was read. Without the bound, six unknown ids make six fetches.)
            let intervals = 1 + Int(Date().timeIntervalSince(floodStart) / 2)
            #expect(try await idp.jwksRequests() - fetchesBefore <= min(intervals + 1, 5))
            // the provider rotates its signing key: its new tokens are accepted after one refetch,
            // tokens of the removed key are not
            let newKid = try await idp.rotateSigningKey()
            try await Task.sleep(for: .milliseconds(2200))  // past the refresh bound the test configured
            let fresh = try await idp.idToken()
            #expect(JWTParts.json(fresh, part: 0)?["kid"] as? String == newKid)
            #expect(try await client.call(.get, "/v1/me", token: fresh).status == .ok)
            #expect(try await client.call(.get, "/v1/me", token: token).status == .unauthorized)
            // every refusal is in the audit log
            let refusals: Int = try await f.database.query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auth.token_refused'")[0].get("n")
            #expect(refusals == hostile.count + 6 + 1)
        }
    }
}
