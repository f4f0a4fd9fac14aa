import Foundation
import Logging
import PagewireCore
import Testing
@testable import TelephonyKit

/// SIP over TCP toward the simulator: calls and trunk checks on one reused connection.
@Suite("SIP over TCP")
struct SIPOverTCPTests {
    @Test func twoFaxesAndAnOptionsCheckGoOverOneTCPConnection() async throws {
        try await TestDatabase.with { test in
            // setup
            let harness = try await TelephonyHarness.start()
            let document = try harness.document(pages: 1)
            // act: two faxes through a TCP trunk, then an OPTIONS check of that trunk
            var reports: [FaxCallReport] = []
            for number in ["+15550101", "+15550102"] {
                var request = harness.request(to: number, document: document, t38: T38Policy(accept: true, request: true))
                request.transport = .tcp
                reports.append(await harness.pagewire.sendFax(request))
            }
            let trunks = TrunkRepository(database: test.database)
            let trunk = try await trunks.create(Trunk(name: "tcp", host: "127.0.0.1", port: harness.simulator.port, transport: "tcp"))
            let check = try await TrunkHealth(endpoint: harness.pagewire, trunks: trunks, logger: Logger(label: "tcp-test")).check(trunk)
            // check: both faxes through (0101 refuses T.38 with 488, 0102 takes it), everything over TCP on one connection
            #expect(reports.map(\.resultCode) == [.ok, .ok], "\(reports)")
            #expect(reports.map(\.usedT38) == [false, true])
            #expect(check.sipStatus == 200)
            let agent = harness.pagewire.agent
            let (opened, received) = try await agent.loop.submit { (agent.streamConnectionsOpened, agent.streamMessagesReceived) }.get()
            let simulatorAgent = harness.simulator.endpoint.agent
            let simulatorReceived = try await simulatorAgent.loop.submit { simulatorAgent.streamMessagesReceived }.get()
            #expect(opened == 1)
            #expect(received > 0)
            // INVITE, ACK, re-INVITE, ACK, BYE… for two calls, plus the OPTIONS
            #expect(simulatorReceived >= 7)
            await harness.shutdown()
        }
    }
}
