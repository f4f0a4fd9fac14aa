import FaxEngine
import Foundation
import Logging
import PagewireCore
import Synchronization
import TelephonyKit
import Testing

/// Inbound faxes end to end on loopback: the carrier simulator places test faxes toward a
/// Pagewire endpoint answering with `InboundFaxHandler` over a real MariaDB and vault.
@Suite("Inbound faxes from the carrier simulator")
struct InboundFaxTests {
    /// A company with a vault and numbers, a Pagewire endpoint answering inbound calls, and the
    /// simulator's endpoint to call from.
    struct Fixture {
        let harness: TelephonyHarness
        let handler: InboundFaxHandler
        let outcomes: OutcomeQueue
        let vault: Vault
        let company: Account
        let user: User
        let trunk: Trunk
        let database: Database

        static func make(_ test: TestDatabase, t38: Bool, name: String = #function) async throws -> Fixture {
            let harness = try await TelephonyHarness.start(name)
            let vault = Vault(database: test.database,
                              transit: try TransitKeyring.loadOrCreate(path: harness.directory.appendingPathComponent("keys/transit.key").path),
                              kdfParameters: .testing)
            let accounts = AccountRepository(database: test.database)
            let platform = try await accounts.create(platformName: "Pagewire")
            let company = try await accounts.create(kind: .company, name: "Clinic", parentID: platform.id, scope: platform.scope)
            let users = UserRepository(database: test.database, passwordParameters: .testing)
            let user = try await users.create(accountID: company.id, email: "doc@clinic.example", password: "pw-123456789", scope: company.scope)
            try await vault.keyring.enroll(userID: user.id, password: "pw-123456789")
            _ = try await vault.keyring.createVault(companyID: company.id, firstAdminUserID: user.id, actor: .system("test"))
            let locked = try await users.create(accountID: company.id, email: "away@clinic.example", password: nil, scope: company.scope)
            // +1 206 555 0150 receives for the user, 0151 sits unassigned, 0152 belongs to a locked user, 0160 is being ported in.
            let numbers = NumberRepository(database: test.database)
            let pool = try await numbers.addToPool(["+12065550150", "+12065550151", "+12065550152"], poolAccountID: platform.id, scope: platform.scope)
            _ = try await numbers.take(pool.map(\.id), forCompany: company.id, scope: platform.scope)
            try await numbers.assign(pool[0].id, toUser: user.id, scope: platform.scope)
            try await numbers.assign(pool[2].id, toUser: locked.id, scope: platform.scope)
            try await users.setStatus(userID: locked.id, .locked, scope: company.scope)
            try await numbers.addPendingPort("+12065550160", accountID: company.id, scope: platform.scope)
            let trunk = try await TrunkRepository(database: test.database).create(Trunk(name: "carrier", host: "127.0.0.1", port: harness.simulator.port, t38Allowed: t38))

            var logger = Logger(label: "inbound-test")
            logger.logLevel = .warning
            let handler = InboundFaxHandler(
                endpoint: harness.pagewire, database: test.database, trunks: TrunkRepository(database: test.database), documents: vault.documents,
                settings: .init(worker: "test-telephony", scratch: harness.directory.appendingPathComponent("scratch"), maximumCalls: 10,
                                trunkListLifetime: 0),
                logger: logger)
            let outcomes = OutcomeQueue()
            handler.observe { outcomes.push($0) }
            try await handler.install()
            return Fixture(harness: harness, handler: handler, outcomes: outcomes, vault: vault, company: company, user: user, trunk: trunk, database: test.database)
        }

        /// The simulator sends a test fax to `number` through the Pagewire endpoint.
        func call(_ number: String, pages: Int = 1, behaviour: SimulatorTestFax.Behaviour = .fax) async throws -> FaxCallReport {
            try await harness.simulator.endpoint.sendTestFax(
                SimulatorTestFax(number: number, pages: pages, behaviour: behaviour), host: "127.0.0.1", port: harness.pagewire.agent.port,
                scratch: harness.directory.appendingPathComponent("outgoing"))
        }

        /// The fax row and what the reception stored.
        func reception(_ faxID: Int64) async throws -> (state: String, pages: Int, partial: Bool, userID: Int64?, local: String?, remote: String?, documentPages: Int, deliveries: Int) {
            let row = try await database.query(
                "SELECT state, pages, partial, user_id, local_number, remote_number FROM faxes WHERE id = ? AND direction = 'inbound'", faxID)[0]
            var documentPages = 0
            if let documentID: Int64 = try await database.query(
                "SELECT document_id FROM fax_documents WHERE fax_id = ? AND role = 'received'", faxID).first?.get("document_id") {
                let bytes = try await vault.documents.read(documentID, companyID: company.id, reader: .system(purpose: "test"))
                let file = harness.directory.appendingPathComponent("check-\(faxID).tif")
                try Data(bytes).write(to: file)
                documentPages = try FaxTIFF.readPages(file).count
            }
            let deliveries: Int = try await database.query(
                "SELECT COUNT(*) AS n FROM work WHERE kind = ? AND payload_json = ?", InboundFaxes.deliverKind, "{\"fax_id\":\(faxID)}")[0].get("n")
            return (try row.get("state"), try row.get("pages"), try row.get("partial"), try row.optional("user_id"),
                    try row.optional("local_number"), try row.optional("remote_number"), documentPages, deliveries)
        }
    }

    @Test func aFaxToAnAssignedNumberIsReceivedOverG711IntoTheVaultAndQueuedForDelivery() async throws {
        try await TestDatabase.with { test in
            // setup: the trunk does not allow T.38
            let f = try await Fixture.make(test, t38: false)
            // act
            let sent = try await f.call("+12065550150", pages: 2)
            let outcome = await f.outcomes.next()
            // check: both ends agree, the pages are in the vault, delivery is queued
            #expect(sent.resultCode == .ok && sent.sipStatus == 200 && !sent.usedT38, "\(sent)")
            let faxID = try #require(outcome.faxID)
            #expect(outcome.state == .received)
            #expect(outcome.report?.usedT38 == false)
            let r = try await f.reception(faxID)
            #expect(r.state == "received" && r.pages == 2 && !r.partial && r.documentPages == 2, "\(r)")
            #expect(r.userID == f.user.id && r.local == "+12065550150" && r.remote == "+15550199")
            #expect(r.deliveries == 1)
            #expect(f.harness.pagewire.activeCalls == 0)
            #expect(try await TrunkRepository(database: test.database).channelsInUse(trunkID: f.trunk.id) == 0)
            await f.harness.shutdown()
        }
    }

    @Test func t38BothWaysWeAskAndTheCallerAsks() async throws {
        try await TestDatabase.with { test in
            // setup: a trunk that allows T.38
            let f = try await Fixture.make(test, t38: true)
            // act: a caller that accepts our re-INVITE, then one that asks for T.38 itself
            let accepting = try await f.call("+12065550150")
            let first = await f.outcomes.next()
            // (dialled as a national number: the handler reads it as +1 206 555 0150)
            let asking = try await f.call("2065550150", behaviour: .t38)
            let second = await f.outcomes.next()
            // check
            for (sent, outcome) in [(accepting, first), (asking, second)] {
                #expect(sent.resultCode == .ok && sent.usedT38, "\(sent)")
                #expect(outcome.report?.usedT38 == true && outcome.state == .received)
                let r = try await f.reception(try #require(outcome.faxID))
                #expect(r.state == "received" && r.pages == 1 && r.documentPages == 1 && r.deliveries == 1, "\(r)")
            }
            await f.harness.shutdown()
        }
    }

    @Test func aCallerThatHangsUpMidPageLeavesAPartialFax() async throws {
        try await TestDatabase.with { test in
            let f = try await Fixture.make(test, t38: false)
            // act: two pages, the caller hangs up in the second
            let sent = try await f.call("+12065550150", pages: 2, behaviour: .dropMidPage)
            let outcome = await f.outcomes.next()
            // check: one page kept, flagged partial, still delivered
            #expect(sent.resultCode != .ok, "\(sent)")
            let r = try await f.reception(try #require(outcome.faxID))
            #expect(r.state == "received" && r.pages == 1 && r.partial && r.documentPages == 1 && r.deliveries == 1, "\(r)")
            let result: String? = try await test.database.query("SELECT result_code FROM faxes WHERE id = ?", outcome.faxID!)[0].optional("result_code")
            #expect(result == ResultCode.transmissionFailed.rawValue)
            await f.harness.shutdown()
        }
    }

    @Test func callsThatMustNotBeAnsweredAreRefusedWithTheirStatus() async throws {
        try await TestDatabase.with { test in
            let f = try await Fixture.make(test, t38: false)
            // act and check: unassigned and unknown numbers 404, a pending port and a locked user 480
            for (number, status) in [("+12065550151", 404), ("+12065550199", 404), ("+12065550160", 480), ("+12065550152", 480)] {
                let sent = try await f.call(number)
                #expect(sent.sipStatus == status, "\(number): \(sent)")
                #expect(await f.outcomes.next().sipStatus == status)
            }
            // a trunk at its channel limit: 503 (the carrier routes elsewhere)
            try await test.database.execute("UPDATE trunks SET max_channels = 0")
            #expect(try await f.call("+12065550150").sipStatus == 503)
            #expect(await f.outcomes.next().sipStatus == 503)
            // an INVITE from an address that is no active trunk: 403
            try await test.database.execute("UPDATE trunks SET max_channels = 30, active = 0")
            #expect(try await f.call("+12065550150").sipStatus == 403)
            #expect(await f.outcomes.next().sipStatus == 403)
            // nothing was recorded as a fax for any of them
            let faxes: Int = try await test.database.query("SELECT COUNT(*) AS n FROM faxes")[0].get("n")
            #expect(faxes == 0)
            await f.harness.shutdown()
        }
    }

    @Test func receptionsLeftOpenByADeadProcessAreClosed() async throws {
        try await TestDatabase.with { test in
            let f = try await Fixture.make(test, t38: false)
            // setup: a reception that started long ago and one that just started (another host's live call)
            let inbound = InboundFaxes(database: test.database)
            let old = try await inbound.begin(companyID: f.company.id, accountID: f.company.id, userID: f.user.id, queueName: nil, callerNumber: "",
                                              calledNumber: "+12065550150", worker: "dead", now: Date().addingTimeInterval(-3 * 3_600))
            let live = try await inbound.begin(companyID: f.company.id, accountID: f.company.id, userID: f.user.id, queueName: nil, callerNumber: "",
                                               calledNumber: "+12065550150", worker: "other")
            // act
            let closed = try await f.handler.closeAbandoned()
            // check
            #expect(closed == 1)
            #expect(try await test.database.query("SELECT state FROM faxes WHERE id = ?", old)[0].get("state", as: String.self) == "failed")
            #expect(try await test.database.query("SELECT state FROM faxes WHERE id = ?", live)[0].get("state", as: String.self) == "receiving")
            await f.harness.shutdown()
        }
    }
}

/// Outcomes of incoming calls, in order, for tests to wait on.
final class OutcomeQueue: Sendable {
    private let items = Mutex<[InboundFaxHandler.Outcome]>([])

    func push(_ outcome: InboundFaxHandler.Outcome) { items.withLock { $0.append(outcome) } }

    /// The next outcome; a call that never ends within `seconds` (a hang) reads as SIP status 0.
    func next(within seconds: Int = 300) async -> InboundFaxHandler.Outcome {
        for _ in 0..<(seconds * 10) {
            if let item = items.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return item }
            try? await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("no incoming call ended within \(seconds) s")
        return InboundFaxHandler.Outcome(sipStatus: 0)
    }
}
