import Foundation
import Logging
import NIOCore
import NIOPosix
import PagewireCore
import TelephonyKit
import Testing

@Suite("Trunk checks with OPTIONS")
struct TrunkHealthTests {
    /// A UDP port nobody listens on: bound by the kernel, then closed.
    static func deadPort() async throws -> Int {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    @Test func periodicChecksRecordTheSimulatorUpAndASilentPortDown() async throws {
        try await TestDatabase.with { test in
            // setup: the simulator, a port where nothing listens, and an inactive trunk
            let harness = try await TelephonyHarness.start()
            let trunks = TrunkRepository(database: test.database)
            let up = try await trunks.create(Trunk(name: "simulator", host: "127.0.0.1", port: harness.simulator.port))
            let down = try await trunks.create(Trunk(name: "silent", host: "127.0.0.1", port: try await Self.deadPort()))
            let inactive = try await trunks.create(Trunk(name: "off", active: false, host: "127.0.0.1", port: harness.simulator.port))
            let health = TrunkHealth(endpoint: harness.pagewire, trunks: trunks, timeout: .seconds(2), logger: Logger(label: "trunk-test"))
            // act
            try await health.checkAll()
            // check
            let upCheck = try #require(try await trunks.lastCheck(trunkID: up.id))
            #expect(upCheck.sipStatus == 200 && upCheck.isUp && upCheck.roundTripMilliseconds != nil, "\(upCheck)")
            let downCheck = try #require(try await trunks.lastCheck(trunkID: down.id))
            #expect(downCheck.sipStatus == nil && !downCheck.isUp && downCheck.detail.contains("no answer"), "\(downCheck)")
            #expect(try await trunks.lastCheck(trunkID: inactive.id) == nil)
            await harness.shutdown()
        }
    }

    @Test func aRequestedCheckRunsAsTrunkCheckWork() async throws {
        try await TestDatabase.with { test in
            // setup
            let harness = try await TelephonyHarness.start()
            let trunks = TrunkRepository(database: test.database)
            let trunk = try await trunks.create(Trunk(name: "simulator", host: "127.0.0.1", port: harness.simulator.port))
            let handler = TrunkCheckHandler(health: TrunkHealth(endpoint: harness.pagewire, trunks: trunks, logger: Logger(label: "trunk-test")))
            // act: the admin's button enqueues; telephony claims and runs it
            try await trunks.requestCheck(trunkID: trunk.id)
            let queue = WorkQueue(database: test.database, owner: "test-telephony")
            let item = try #require(try await queue.claim(kinds: [TrunkCheck.workKind]).first)
            try await handler.handle(item)
            // check
            let check = try #require(try await trunks.lastCheck(trunkID: trunk.id))
            #expect(check.sipStatus == 200 && check.isUp, "\(check)")
            await harness.shutdown()
        }
    }
}
