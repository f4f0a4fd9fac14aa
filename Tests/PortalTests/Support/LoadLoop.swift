import Foundation
import Synchronization

/// A bounded load on loopback: `clients` threads each request `path` over a new connection,
/// one after another, until `stop()` or until `maxDuration` has passed (a guard for a test that
/// throws before stopping; a count cap instead once ran out mid-test on a loaded machine).
final class LoadLoop: Sendable {
    struct Tally: Sendable {
        var ok = 0
        var badStatus: [Int] = []
        var failures: [String] = []
        /// Requests whose first connection was reset before any response byte and that a
        /// second try answered (only when `retryResetOnce`).
        var retriedAfterReset = 0
    }

    private let tally = Mutex(Tally())
    private let stopped = Atomic<Bool>(false)
    private let finished = Atomic<Int>(0)
    let clients: Int

    init(port: Int, path: String, clients: Int, maxDuration: Duration = .seconds(900), retryResetOnce: Bool) {
        self.clients = clients
        let client = HTTPTestClient(port: port)
        let deadline = ContinuousClock.now + maxDuration
        for _ in 0..<clients {
            let thread = Thread { [self] in
                while !stopped.load(ordering: .relaxed), ContinuousClock.now < deadline {
                    do {
                        let response: HTTPTestClient.Response
                        do {
                            response = try client.getBlocking(path)
                        } catch HTTPTestClient.Failure.resetBeforeResponse where retryResetOnce {
                            response = try client.getBlocking(path)
                            tally.withLock { $0.retriedAfterReset += 1 }
                        }
                        if response.status == 200 {
                            tally.withLock { $0.ok += 1 }
                        } else {
                            tally.withLock { $0.badStatus.append(response.status) }
                        }
                    } catch {
                        tally.withLock { $0.failures.append("\(error)") }
                    }
                }
                finished.add(1, ordering: .relaxed)
            }
            thread.start()
        }
    }

    var current: Tally { tally.withLock { $0 } }

    /// Waits until at least `count` requests have been answered with 200, or 300 s have passed,
    /// or every client has stopped.
    func waitForOK(atLeast count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(300)
        while current.ok < count, ContinuousClock.now < deadline, finished.load(ordering: .relaxed) < clients {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Stops the clients and returns the final tally once every thread has finished.
    func stop() async throws -> Tally {
        stopped.store(true, ordering: .relaxed)
        while finished.load(ordering: .relaxed) < clients { try await Task.sleep(for: .milliseconds(10)) }
        return current
    }
}

/// Processes whose parent is `pid`, read from /proc.
func childProcesses(of pid: Int32) -> Set<Int32> {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
    var children = Set<Int32>()
    for entry in entries {
        guard let child = Int32(entry),
              let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { continue }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        if fields.count > 1, Int32(fields[1]) == pid { children.insert(child) }
    }
    return children
}
