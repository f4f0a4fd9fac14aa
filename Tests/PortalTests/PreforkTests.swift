import Foundation
import PagewireCore
import Testing

/// The prefork master with real worker processes on loopback.
@Suite("Prefork web server", .serialized)
struct PreforkTests {
    /// Starts `pagewire-web serve` with `workers` workers on a free port; returns it and its port.
    static func startServer(_ test: TestDatabase, workers: Int) throws -> (TestProcess, Int) {
        let process = try TestProcess.start(
            "pagewire-web", ["serve"],
            environment: ["PAGEWIRE_DATABASE_URL": test.url.urlString, "PAGEWIRE_LOG_LEVEL": "info",
                          "PAGEWIRE_WEB_PORT": "0", "PAGEWIRE_WEB_WORKERS": "\(workers)"],
            mergingStandardError: true)
        while let line = try process.readLine() {
            if let range = line.range(of: #"serving on port (\d+)"#, options: .regularExpression) {
                let port = Int(line[range].split(separator: " ").last!)!
                // Keep draining its output so the pipe never fills and blocks the server.
                Thread { while (try? process.readLine()) != nil {} }.start()
                return (process, port)
            }
        }
        throw HTTPTestClient.Failure.other("pagewire-web exited before serving")
    }

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
            let (server, port) = try Self.startServer(test, workers: 2)
            let workers = try await Self.waitForChildren(of: server.processIdentifier, count: 2)
            try #require(workers.count == 2)
            let load = LoadLoop(port: port, path: "/healthz", clients: 2, retryResetOnce: true)
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
            let (server, port) = try Self.startServer(test, workers: 2)
            let before = try await Self.waitForChildren(of: server.processIdentifier, count: 2)
            try #require(before.count == 2)
            let load = LoadLoop(port: port, path: "/healthz", clients: 2, retryResetOnce: false)
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
