import Foundation
import PagewireCore
import Testing

@Suite("Identity: signing-key rotation")
struct SigningKeyRotationTests {
    static func transit() throws -> (TransitKeyring, String) {
        let directory = NSTemporaryDirectory() + "pw-keys-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        return (try TransitKeyring.loadOrCreate(path: directory + "/transit.key"), directory)
    }

    @Test func retiredKeysStayPublishedUntilTheirTokensExpiredAndPrivateKeysAreSealed() async throws {
        try await TestDatabase.with { test in
            // setup: an app with 10-minute tokens, and a clock the test controls
            let (transit, directory) = try Self.transit()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let t = try await SampleTree.make(test.database)
            let user = try await t.users.create(accountID: t.deptA.id, email: "app@clinic.example", password: nil, scope: t.company.scope)
            let app = try await APIAppRepository(database: test.database).create(
                APIAppDraft(name: "EHR", actingUser: user.email, resources: [.faxWS], accessTokenSeconds: 600), scope: t.company.scope, createdBy: nil)
            let identity = IdentityServices(database: test.database, transit: transit, issuer: "https://fax.example")
            let t0 = Date()
            let (old, _) = try await identity.issuer.issue(app: app, scopes: app.scopes, now: t0)
            let oldKid = try await identity.keys.currentSigner(now: t0).kid
            // act: rotate five minutes later
            let t1 = t0.addingTimeInterval(300)
            let newKid = try await identity.keys.rotate(now: t1)
            let (new, _) = try await identity.issuer.issue(app: app, scopes: app.scopes, now: t1)
            // check: both keys are published, both tokens verify, the new one is signed by the new key
            #expect(newKid != oldKid)
            #expect(Set(try await identity.keys.published(now: t1).map(\.kid)) == [oldKid, newKid])
            #expect(try await identity.verifier.verify(old, now: t1).app == app)
            #expect(try await identity.verifier.verify(new, now: t1).scopes == ["fax.send", "fax.read"])
            let jwks = String(decoding: try await identity.keys.jwksJSON(now: t1), as: UTF8.self)
            #expect(jwks.contains(oldKid) && jwks.contains(newKid) && !jwks.contains("\"d\""))
            // a verifier in another process (a fresh cache) sees the same
            let other = IdentityServices(database: test.database, transit: transit, issuer: "https://fax.example")
            #expect(try await other.verifier.verify(old, now: t1).app.id == app.id)
            #expect(try await other.keys.currentSigner(now: t1).kid == newKid)
            // once every token of the old key has expired (600 s + a minute), it leaves the JWKS
            let t2 = t1.addingTimeInterval(661)
            #expect(try await identity.keys.published(now: t2).map(\.kid) == [newKid])
            await #expect(throws: TokenRejection.unknownKey) { try await other.verifier.verify(old, now: t2) }
            // the old token had expired anyway by then
            await #expect(throws: TokenRejection.expired) { try await identity.verifier.verify(old, now: t0.addingTimeInterval(600 + 61)) }
            // the stored private keys open only with the transit key
            for row in try await test.database.query("SELECT private_sealed, transit_key_id FROM signing_keys") {
                let sealed: [UInt8] = try row.get("private_sealed")
                #expect(sealed.count == 12 + 32 + 16)
                #expect(try row.get("transit_key_id", as: String.self) == transit.currentKeyID)
            }
            let (stranger, strangerDirectory) = try Self.transit()
            defer { try? FileManager.default.removeItem(atPath: strangerDirectory) }
            let thief = IdentityServices(database: test.database, transit: stranger, issuer: "https://fax.example")
            await #expect(throws: SigningKeyError.self) { try await thief.keys.currentSigner(now: t1) }
        }
    }

    @Test func aRetiredKeyStaysWhileATokenItSignedLivesAndTheScheduledRotationRemovesItAfter() async throws {
        try await TestDatabase.with { test in
            // setup: an app with one-hour tokens; a token signed at t0
            let (transit, directory) = try Self.transit()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let t = try await SampleTree.make(test.database)
            let user = try await t.users.create(accountID: t.deptA.id, email: "app2@clinic.example", password: nil, scope: t.company.scope)
            let app = try await APIAppRepository(database: test.database).create(
                APIAppDraft(name: "Long", actingUser: user.email, resources: [.faxWS], accessTokenSeconds: 3600), scope: t.company.scope, createdBy: nil)
            let identity = IdentityServices(database: test.database, transit: transit, issuer: "https://fax.example")
            let keys = identity.keys
            let t0 = Date()
            let (token, _) = try await identity.issuer.issue(app: app, scopes: app.scopes, now: t0)
            let first = try await keys.currentSigner(now: t0).kid
            // act: the schedule (daily) does nothing to a fresh key; a day later it rotates
            #expect(try await keys.rotateIfDue(interval: 86400, now: t0.addingTimeInterval(10)).rotated == nil)
            let t1 = t0.addingTimeInterval(600)
            let second = try #require(try await keys.rotateIfDue(interval: 600, now: t1).rotated)
            // check: after the rotation's grace (2 min) the old key is still published, because its token lives another 50 minutes
            let t2 = t1.addingTimeInterval(1800)
            #expect(Set(try await keys.published(now: t2).map(\.kid)) == [first, second])
            #expect(try await keys.removeExpired(now: t2).isEmpty)
            let other = IdentityServices(database: test.database, transit: transit, issuer: "https://fax.example")
            #expect(try await other.verifier.verify(token, now: t2).app.id == app.id)
            // once the token has expired (plus the verifiers' skew), the key leaves the JWKS and the job deletes it
            let t3 = t0.addingTimeInterval(3600 + 60 + 61)
            #expect(try await keys.published(now: t3).map(\.kid) == [second])
            let (_, removed) = try await keys.rotateIfDue(interval: 86400, now: t3)
            #expect(removed == [first])
            #expect(try await test.database.query("SELECT kid FROM signing_keys").map { try $0.get("kid", as: String.self) } == [second])
            // a key retired without ever signing leaves after the grace alone
            let third = try await keys.rotate(now: t3)
            #expect(try await keys.removeExpired(now: t3.addingTimeInterval(121)) == [second])
            #expect(try await keys.published(now: t3.addingTimeInterval(121)).map(\.kid) == [third])
        }
    }
}
