import Foundation
import NIOCore
import PagewireCore
import SIP
import Testing
@testable import TelephonyKit

/// Trunk passwords are wrapped with the platform key at rest and still answer digest challenges.
@Suite("Trunk passwords at rest")
struct TrunkPasswordTests {
    @Test func theRowHoldsNoPasswordAndDigestAuthStillWorks() async throws {
        try await TestDatabase.with { test in
            // setup
            let harness = try await TelephonyHarness.start()
            let keys = try TransitKeyring.loadOrCreate(path: harness.directory.appendingPathComponent("keys/transit.key").path)
            let trunks = TrunkRepository(database: test.database, secrets: keys)
            let secret = "s3cret-Pa55-\(UInt32.random(in: 0...UInt32.max))"
            // act
            let trunk = try await trunks.create(Trunk(name: "carrier", host: "127.0.0.1", port: 5060, username: "trunk42", password: secret))
            // check: nothing in the row reads as the password; the repository with the keys opens it
            let row = try await test.database.query("SELECT password, password_wrapped FROM trunks WHERE id = ?", trunk.id)[0]
            #expect(try row.optional("password", as: String.self) == nil)
            let wrapped: [UInt8] = try row.get("password_wrapped")
            #expect(!wrapped.isEmpty && !String(decoding: wrapped, as: UTF8.self).contains(secret))
            #expect(try await trunks.all().first?.password == secret)
            // without the keys: no password read, none stored
            #expect(try await TrunkRepository(database: test.database).all().first?.password == nil)
            await #expect(throws: TrunkRepository.PasswordError.self) {
                _ = try await TrunkRepository(database: test.database).create(Trunk(name: "other", host: "127.0.0.2", password: "x"))
            }
            // with another platform key file: refused, not garbage
            let strangers = try TransitKeyring.loadOrCreate(path: harness.directory.appendingPathComponent("other/transit.key").path)
            await #expect(throws: TrunkRepository.PasswordError.self) { _ = try await TrunkRepository(database: test.database, secrets: strangers).all() }

            // digest authentication toward a registrar with the stored password
            let stored = try #require(try await trunks.all().first)
            let registrar = try await RawUDPPeer(group: harness.group)
            let agent = harness.pagewire.agent
            let destination = try SocketAddress(ipAddress: "127.0.0.1", port: registrar.port)
            let registration = try await agent.loop.submit {
                let registration = SIPRegistration(agent: agent, registrar: SIPURI(host: "127.0.0.1", port: registrar.port), destination: destination,
                                                   user: stored.username!, credentials: SIPCredentials(username: stored.username!, password: stored.password ?? ""),
                                                   expires: 600)
                registration.start()
                return UncheckedBox(registration)
            }.get()
            let first = try #require(await registrar.nextMessage())
            let challengeHeader = #"Digest realm="carrier", nonce="n0nce", algorithm=MD5"#
            var challenge = first.response(401, toTag: "reg")
            challenge.headers.add("WWW-Authenticate", challengeHeader)
            try await registrar.send(challenge, to: agent.port)
            let second = try #require(await registrar.nextMessage(after: first))
            let authorization = try #require(second.headers["Authorization"])
            // the registrar's side: the response must be the one the real password gives
            let uri = try #require(authorization.split(separator: ",").first { $0.contains("uri=") }?
                .split(separator: "\"").dropFirst().first.map(String.init))
            let expected = try SIPDigestChallenge(parsing: challengeHeader)
                .authorization(username: "trunk42", password: secret, method: .register, uri: uri, cnonce: "")
            #expect(authorization == expected)
            try await agent.loop.submit { registration.value.stop() }.get()
            await registrar.close()
            await harness.shutdown()
        }
    }

    @Test func clearPasswordsFromBeforeTheMigrationAreSealed() async throws {
        try await TestDatabase.with { test in
            // setup: a row as the old code wrote it
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pw-trunk-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: directory) }
            let keys = try TransitKeyring.loadOrCreate(path: directory.appendingPathComponent("transit.key").path)
            let now = Date()
            try await test.database.execute(
                """
                INSERT INTO trunks (name, active, host, port, transport, username, password, max_channels, t38_allowed, ecm, v17_allowed, codecs, created_at, updated_at)
                VALUES ('legacy', 1, '127.0.0.1', 5060, 'udp', 'old', 'clear-text-pw', 30, 1, 1, 1, 'PCMU,PCMA', ?, ?)
                """, now, now)
            let trunks = TrunkRepository(database: test.database, secrets: keys)
            // act
            let sealed = try await trunks.sealPasswords()
            // check
            #expect(sealed == 1)
            #expect(try await trunks.sealPasswords() == 0)
            let row = try await test.database.query("SELECT password, password_key_id FROM trunks")[0]
            #expect(try row.optional("password", as: String.self) == nil)
            #expect(try row.optional("password_key_id", as: String.self) == keys.currentKeyID)
            #expect(try await trunks.all().first?.password == "clear-text-pw")
            #expect(try await trunks.passwordKeyIDsInUse() == [keys.currentKeyID])
            // a rotated platform key: sealing re-wraps with the new one, the password stays readable
            let newKey = try keys.rotate()
            #expect(try await trunks.sealPasswords() == 1)
            #expect(try await trunks.passwordKeyIDsInUse() == [newKey])
            #expect(try await trunks.all().first?.password == "clear-text-pw")
        }
    }
}
