import FaxEngine
import Foundation
import Logging
import NIOCore
import PagewireCore
import SIP
import Testing
import TelephonyKit

/// The outbound path with MariaDB: a submitted fax is claimed from the queue, dialled through the
/// account's trunks toward the simulator, and its attempt reported to the scheduler.
@Suite("Outbound faxes through trunks")
struct FaxSendHandlerTests {
    struct Fixture {
        let test: TestDatabase
        let harness: TelephonyHarness
        let scheduler: FaxScheduler
        let trunks: TrunkRepository
        let vault: Vault
        let companyID: Int64
        let companyScope: AccountScope
        let userID: Int64
        let handler: FaxSendHandler

        static func with(_ body: (Fixture) async throws -> Void) async throws {
            try await TestDatabase.with { test in
                let harness = try await TelephonyHarness.start()
                let transit = try TransitKeyring.loadOrCreate(path: harness.directory.appendingPathComponent("keys/transit.key").path)
                let vault = Vault(database: test.database, transit: transit, kdfParameters: .testing)
                let accounts = AccountRepository(database: test.database)
                let platform = try await accounts.create(platformName: "Pagewire")
                let company = try await accounts.create(kind: .company, name: "Clinic", parentID: platform.id, scope: platform.scope)
                let user = try await UserRepository(database: test.database, passwordParameters: .testing)
                    .create(accountID: company.id, email: "sender@clinic.example", password: "pw-123456789", scope: company.scope)
                try await vault.keyring.enroll(userID: user.id, password: "pw-123456789")
                _ = try await vault.keyring.createVault(companyID: company.id, firstAdminUserID: user.id, actor: .user(user.id, label: "admin"))
                let scheduler = FaxScheduler(database: test.database)
                let trunks = TrunkRepository(database: test.database)
                var logger = Logger(label: "telephony-test")
                logger.logLevel = .warning
                let handler = FaxSendHandler(scheduler: scheduler, trunks: trunks, documents: vault.documents, endpoint: harness.pagewire,
                                             worker: "telephony-test", scratch: harness.directory.appendingPathComponent("scratch"), logger: logger)
                let fixture = Fixture(test: test, harness: harness, scheduler: scheduler, trunks: trunks, vault: vault, companyID: company.id,
                                      companyScope: company.scope, userID: user.id, handler: handler)
                do {
                    try await body(fixture)
                } catch {
                    await harness.shutdown()
                    throw error
                }
                await harness.shutdown()
            }
        }

        /// Submits a fax of `pages` pages to `number` and stands in for rendering (the TIFF goes to the vault as the rendered document).
        func submit(to number: String, pages: Int) async throws -> (faxID: Int64, document: URL) {
            let document = try harness.document(pages: pages)
            let bytes = Array(try Data(contentsOf: document))
            let original = try await vault.documents.put(companyID: companyID, accountID: companyID, kind: .original, contentType: "image/tiff", bytes: bytes)
            let faxID = try #require(try await scheduler.submit(
                OutboundSubmission(recipients: [number], callerID: "+12065550000", documentIDs: [original.id], requestHash: "h"),
                userID: userID, scope: companyScope).first)
            let rendered = try await vault.documents.put(companyID: companyID, accountID: companyID, kind: .faxTIFF, contentType: "image/tiff", bytes: bytes)
            try await test.database.execute("INSERT INTO fax_documents (fax_id, n, document_id, role) VALUES (?, 0, ?, 'rendered')", faxID, rendered.id)
            try await scheduler.renderingFinished(faxID: faxID, pages: pages)
            return (faxID, document)
        }

        /// Claims the fax's send work and runs it like the worker does.
        func runSendWork() async throws {
            let queue = WorkQueue(database: test.database, owner: "telephony-test")
            let item = try #require(try await queue.claim(kinds: [FaxScheduler.sendKind]).first)
            try await handler.handle(item)
            _ = try await queue.complete(item)
        }

        func simulatorTrunk(_ name: String, maxChannels: Int = 30) -> Trunk {
            Trunk(name: name, host: "127.0.0.1", port: harness.simulator.port, maxChannels: maxChannels)
        }

        func fax(_ id: Int64) async throws -> SQLRow { try await test.database.query("SELECT state, result_code, pages_sent, attempts FROM faxes WHERE id = ?", id)[0] }
        func attempt(_ id: Int64) async throws -> SQLRow { try await test.database.query("SELECT * FROM fax_attempts WHERE fax_id = ? ORDER BY n DESC", id)[0] }
    }

    @Test("A queued fax is sent through the company's trunk and delivered; the attempt row tells the story")
    func delivered() async throws {
        try await Fixture.with { f in
            // setup
            let trunk = try await f.trunks.create(f.simulatorTrunk("sim-a"))
            try await f.trunks.assign(trunkID: trunk.id, toAccount: f.companyID, priority: 1)
            let (faxID, document) = try await f.submit(to: "(206) 555-0101", pages: 2)
            // act
            try await f.runSendWork()
            let record = await f.harness.simulator.nextRecord()
            // check
            let fax = try await f.fax(faxID)
            #expect(try fax.get("state", as: String.self) == "delivered")
            #expect(try fax.get("pages_sent", as: Int.self) == 2)
            let attempt = try await f.attempt(faxID)
            #expect(try attempt.get("result_code", as: String.self) == "ok")
            #expect(try attempt.get("trunk", as: String.self) == "sim-a")
            #expect(try attempt.get("sip_status", as: Int.self) == 200)
            #expect(try attempt.optional("remote_csid", as: String.self) == "+15550101")
            #expect(record.number == "+12065550101")
            let received = try #require(record.receivedFile)
            #expect(try FaxTIFF.readPages(received) == FaxTIFF.readPages(document))
            #expect(try await f.trunks.channelsInUse(trunkID: trunk.id) == 0)
        }
    }

    @Test("A trunk answering 503 fails over to the next trunk in the account's order")
    func failover() async throws {
        try await Fixture.with { f in
            // setup
            let broken = try await RawUDPPeer(group: f.harness.group)
            let first = try await f.trunks.create(Trunk(name: "broken", host: "127.0.0.1", port: broken.port))
            let second = try await f.trunks.create(f.simulatorTrunk("sim-b"))
            try await f.trunks.assign(trunkID: first.id, toAccount: f.companyID, priority: 1)
            try await f.trunks.assign(trunkID: second.id, toAccount: f.companyID, priority: 2)
            let (faxID, _) = try await f.submit(to: "(206) 555-0101", pages: 1)
            // act
            async let run: Void = f.runSendWork()
            let invite = try #require(await broken.nextMessage())
            try await broken.send(invite.response(503, toTag: "down"), to: f.harness.pagewire.agent.port)
            try await run
            _ = await f.harness.simulator.nextRecord()
            // check
            #expect(invite.method == .invite && invite.requestURI?.user == "+12065550101")
            #expect(try await f.fax(faxID).get("state", as: String.self) == "delivered")
            #expect(try await f.attempt(faxID).get("trunk", as: String.self) == "sim-b")
            #expect(try await f.trunks.channelsInUse(trunkID: first.id) == 0)
            await broken.close()
        }
    }

    @Test("Busy: the attempt reports busy with its SIP status and the scheduler, not telephony, plans the retry")
    func busy() async throws {
        try await Fixture.with { f in
            let trunk = try await f.trunks.create(f.simulatorTrunk("sim-c"))
            let (faxID, _) = try await f.submit(to: "(206) 555-0105", pages: 1)
            try await f.runSendWork()
            let fax = try await f.fax(faxID)
            #expect(try fax.get("state", as: String.self) == "retry_wait")
            #expect(try fax.get("result_code", as: String.self) == "busy")
            let attempt = try await f.attempt(faxID)
            #expect(try attempt.get("sip_status", as: Int.self) == 486)
            #expect(try attempt.get("trunk", as: String.self) == "sim-c")
            #expect(try await f.trunks.channelsInUse(trunkID: trunk.id) == 0)
        }
    }

    @Test("A trunk at its channel limit starts no attempt: the work is retried later")
    func channelLimit() async throws {
        try await Fixture.with { f in
            let trunk = try await f.trunks.create(f.simulatorTrunk("sim-d", maxChannels: 1))
            #expect(try await f.trunks.claimChannel(trunkID: trunk.id, callKey: "another-call"))
            let (faxID, _) = try await f.submit(to: "(206) 555-0101", pages: 1)
            await #expect(throws: RetryAfter.self) { try await f.runSendWork() }
            let fax = try await f.fax(faxID)
            #expect(try fax.get("state", as: String.self) == "queued")
            #expect(try fax.get("attempts", as: Int.self) == 0)
        }
    }

    @Test("Calls in progress up to telephony.max_calls, an incoming one among them, hold an outgoing attempt back")
    func maximumCallsCountIncomingCalls() async throws {
        try await Fixture.with { f in
            // setup: one slot, taken by an incoming call
            _ = try await f.trunks.create(f.simulatorTrunk("sim-e"))
            let (faxID, _) = try await f.submit(to: "(206) 555-0101", pages: 1)
            var logger = Logger(label: "telephony-test")
            logger.logLevel = .warning
            let handler = FaxSendHandler(scheduler: f.scheduler, trunks: f.trunks, documents: f.vault.documents, endpoint: f.harness.pagewire,
                                         worker: "telephony-test", scratch: f.harness.directory.appendingPathComponent("scratch"),
                                         maximumCalls: 1, logger: logger)
            #expect(f.harness.pagewire.reserveCall(limit: 1))
            #expect(!f.harness.pagewire.reserveCall(limit: 1))
            // act
            let queue = WorkQueue(database: f.test.database, owner: "telephony-test")
            let item = try #require(try await queue.claim(kinds: [FaxScheduler.sendKind]).first)
            await #expect(throws: RetryAfter.self) { try await handler.handle(item) }
            // check: no attempt started, no trunk channel held
            let fax = try await f.fax(faxID)
            #expect(try fax.get("state", as: String.self) == "queued")
            #expect(try fax.get("attempts", as: Int.self) == 0)
            f.harness.pagewire.releaseCall()
            #expect(f.harness.pagewire.activeCalls == 0)
        }
    }
}
