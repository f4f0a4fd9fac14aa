import Foundation
import PagewireCore
import Testing

/// The prefork master with real worker processes on loopback.
@Suite("Prefork web server", .serialized)
struct PreforkTests {
    static func waitForChildren(of pid: Int32, count: Int, excluding old: Set<Int32> = []) async throws -> Set<Int32> {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let children = childProcesses(of: pid)
            if children.count == count, children.isDisjoint(with: old) { return children }
            try await Task.sleep(for: .milliseconds(10))
        }
        return childProcesses(of: pid)
    }

    @Test func aWorkerKilledUnderLoadIsReplacedAndNoRequestIsRefused() async throws {
        try await TestDatabase.with { test in
            // setup
            let processes = try PagewireProcesses(test)
            defer { processes.stop() }
            let server = try await processes.startWeb(environment: ["PAGEWIRE_WEB_WORKERS": "2"])
            let workers = try await Self.waitForChildren(of: server.processIdentifier, count: 2)
            try #require(workers.count == 2)
            let load = LoadLoop(port: server.port, path: "/healthz", clients: 2, retryResetOnce: true)
            try await load.waitForOK(atLeast: 100)
            // act
            let victim = workers.first!
            kill(victim, SIGKILL)
            let replaced = try await Self.waitForChildren(of: server.processIdentifier, count: 2, excluding: [victim])
            let okBefore = load.current.ok
            try await load.waitForOK(atLeast: okBefore + 150)
            let tally = try await load.stop()
            server.kill(signal: SIGTERM)
            // check
            #expect(replaced.count == 2 && !replaced.contains(victim))
            #expect(tally.failures.isEmpty, "\(tally.failures.prefix(5))")
            #expect(tally.badStatus.isEmpty)
            #expect(tally.ok >= okBefore + 150)
            // Only requests already inside the killed worker can break: at most one per client.
            #expect(tally.retriedAfterReset <= load.clients)
        }
    }

    @Test func sighupUnderLoadReplacesEveryWorkerWithoutAFailedRequest() async throws {
        try await TestDatabase.with { test in
            // setup
            let processes = try PagewireProcesses(test)
            defer { processes.stop() }
            let server = try await processes.startWeb(environment: ["PAGEWIRE_WEB_WORKERS": "2"])
            let before = try await Self.waitForChildren(of: server.processIdentifier, count: 2)
            try #require(before.count == 2)
            let load = LoadLoop(port: server.port, path: "/healthz", clients: 2, retryResetOnce: false)
            try await load.waitForOK(atLeast: 100)
            // act
            kill(server.processIdentifier, SIGHUP)
            let after = try await Self.waitForChildren(of: server.processIdentifier, count: 2, excluding: before)
            let okBefore = load.current.ok
            try await load.waitForOK(atLeast: okBefore + 150)
            let tally = try await load.stop()
            // check
            #expect(after.count == 2 && after.isDisjoint(with: before))
            #expect(tally.failures.isEmpty, "\(tally.failures.prefix(5))")
            #expect(tally.badStatus.isEmpty)
            #expect(tally.ok >= okBefore + 150)
            // SIGTERM drains: the master and its workers exit cleanly
            kill(server.processIdentifier, SIGTERM)
            #expect(server.wait() == 0)
            #expect(childProcesses(of: server.processIdentifier).isEmpty)
        }
    }
}
