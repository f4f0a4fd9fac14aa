import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing
@testable import Web

@Suite("Identity: scheduled signing-key rotation by pagewire-jobs")
struct SigningKeyRotationJobTests {
    @Test func jobsRotateTheKeyOnScheduleKeepOldKeysWhileTheirTokensLiveAndRemoveExpiredOnes() async throws {
        try await APIFixture.with { f, client in
            // setup: a token signed by the first key (the web process creates it), and a retired key
            // whose tokens expired long ago
            let app = try await f.registerApp(client, extra: #","access_token_seconds":60"#)
            let first = try #require(try await client.accessToken(clientID: app.clientID, secret: app.secret))
            let firstKid = try #require(Self.kid(of: first))
            let longAgo = Date().addingTimeInterval(-86400)
            try await f.database.execute(
                """
                INSERT INTO signing_keys (kid, algorithm, public_x, public_y, private_sealed, transit_key_id, created_at, retired_at, publish_until, tokens_expire_by)
                SELECT 'pw-expired', algorithm, public_x, public_y, private_sealed, transit_key_id, ?, ?, ?, ? FROM signing_keys WHERE kid = ?
                """, longAgo, longAgo, longAgo, longAgo, firstKid)
            // act: pagewire-jobs with a rotation every second
            let directory = NSTemporaryDirectory() + "pw-jobs-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let jobs = try f.startJobs(directory: directory, environment: ["PAGEWIRE_OAUTH_SIGNING_KEY_ROTATION_SECONDS": "1", "PAGEWIRE_SMTP_ENABLED": "false"])
            var kids: [String] = []
            for _ in 0..<240 {
                kids = try await f.database.query("SELECT kid FROM signing_keys ORDER BY id").map { try $0.get("kid", as: String.self) }
                if kids.count >= 4, !kids.contains("pw-expired") { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            // stop the rotations, so what is read below is one state (TestProcess's deinit kills it if a check above throws)
            jobs.kill(signal: SIGTERM)
            kids = try await f.database.query("SELECT kid FROM signing_keys ORDER BY id").map { try $0.get("kid", as: String.self) }
            // check: at least three rotations after the first key; the expired key is gone
            #expect(kids.count >= 4 && !kids.contains("pw-expired"), "\(kids)")
            #expect(kids.first == firstKid)
            let current: [String] = try await f.database.query("SELECT kid FROM signing_keys WHERE retired_at IS NULL").map { try $0.get("kid") }
            #expect(current.count == 1 && current.first == kids.last)
            // every key is still published (the first one signed a token that is still valid), and that token still works
            let jwks = try await client.unrecorded.execute(uri: "/.well-known/jwks.json", method: .get)
            let published = Set(((jwks.object["keys"] as? [[String: Any]]) ?? []).compactMap { $0["kid"] as? String })
            #expect(published.isSuperset(of: Set(kids)), "\(published) ⊉ \(kids)")
            #expect(try await client.call(.get, "/v1/me", token: first).status == .ok)
            // the first key knows when its last token expires
            let expiresBy: Date? = try await f.database.query("SELECT tokens_expire_by FROM signing_keys WHERE kid = ?", firstKid)[0].optional("tokens_expire_by")
            #expect(try #require(expiresBy) > Date())
            // a web process that re-reads the keys signs with the newest one
            let fresh = SigningKeyStore(database: f.database, transit: f.vault.documents.transit)
            let signer = try await fresh.currentSigner().kid
            let latest: [String] = try await f.database.query("SELECT kid FROM signing_keys WHERE retired_at IS NULL").map { try $0.get("kid") }
            #expect(latest.contains(signer))
        }
    }

    static func kid(of token: String) -> String? {
        guard let header = token.split(separator: ".").first else { return nil }
        var s = header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        guard let data = Data(base64Encoded: s), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["kid"] as? String
    }
}
