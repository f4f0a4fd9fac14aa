import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The master of `pagewire-web`: owns the listening socket, keeps `workerCount` workers serving
/// on it, replaces a worker that dies, replaces every worker one by one on SIGHUP (each old
/// worker drains only after its successor is ready), and drains them all on graceful shutdown.
///
/// The master never accepts a connection itself: connections wait in the kernel's backlog of
/// the shared socket while a worker is replaced, so none is refused.
final class PreforkMaster: Service, Sendable {
    let listening: ListeningSocket
    let spawner: WorkerSpawner
    let workerCount: Int
    let logger: Logger
    /// How long a draining worker may take before it is killed.
    let drainTimeout: Duration

    private let flags = Mutex(Flags())
    private struct Flags {
        var reloadRequested = false
        var stopping = false
    }

    /// How often dead workers are looked for; a dead worker is replaced within this plus its start-up.
    static let tick: Duration = .milliseconds(50)

    init(listening: ListeningSocket, spawner: WorkerSpawner, workerCount: Int, logger: Logger, drainTimeout: Duration = .seconds(30)) {
        self.listening = listening
        self.spawner = spawner
        self.workerCount = max(1, workerCount)
        self.logger = logger
        self.drainTimeout = drainTimeout
    }

    /// Asks for a rolling reload, as SIGHUP does.
    func requestReload() { flags.withLock { $0.reloadRequested = true } }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            let signals = await UnixSignalsSequence(trapping: .sighup)
            group.addTask { [self] in
                for await _ in signals {
                    logger.info("SIGHUP: reloading workers one by one")
                    requestReload()
                }
            }
            await withGracefulShutdownHandler {
                await supervise()
            } onGracefulShutdown: { [self] in
                flags.withLock { $0.stopping = true }
            }
            group.cancelAll()
        }
    }

    private var stopping: Bool { flags.withLock { $0.stopping } }

    private func supervise() async {
        var supervisor = Supervisor(master: self)
        for slot in 0..<workerCount { supervisor.start(slot: slot) }
        await supervisor.waitReady(Array(supervisor.workers.keys))
        logger.info("serving on port \(listening.port) with \(workerCount) workers", metadata: ["web.port": "\(listening.port)"])
        while !stopping {
            supervisor.reap()
            supervisor.restartDue()
            if flags.withLock({ f in defer { f.reloadRequested = false }; return f.reloadRequested }) {
                await supervisor.reload()
            }
            try? await Task.sleep(for: Self.tick)
        }
        await supervisor.drainAll()
    }

    /// The mutable bookkeeping of `supervise()`; lives on one task only.
    private struct Supervisor {
        let master: PreforkMaster
        /// Serving workers: pid → slot.
        var workers: [pid_t: Int] = [:]
        /// Readiness pipes not yet read: pid → descriptor.
        var readyPipes: [pid_t: Int32] = [:]
        /// Workers told to drain; their exit is expected.
        var retiring: Set<pid_t> = []
        /// Slots whose worker died, with the earliest time to start the next (crash-loop brake).
        var due: [Int: ContinuousClock.Instant] = [:]
        var lastStart: [Int: ContinuousClock.Instant] = [:]

        init(master: PreforkMaster) { self.master = master }

        @discardableResult
        mutating func start(slot: Int) -> pid_t? {
            do {
                let started = try master.spawner.spawn(listening: master.listening)
                workers[started.pid] = slot
                readyPipes[started.pid] = started.readyDescriptor
                lastStart[slot] = .now
                master.logger.info("worker started", metadata: ["web.worker.pid": "\(started.pid)", "web.worker.slot": "\(slot)"])
                return started.pid
            } catch {
                master.logger.error("cannot start worker: \(error)")
                due[slot] = .now + .seconds(1)
                return nil
            }
        }

        /// Collects every exited child; an unexpected exit schedules a replacement at once
        /// (or one second after the previous start, if it died that fast).
        mutating func reap() {
            while true {
                var status: Int32 = 0
                let pid = waitpid(-1, &status, WNOHANG)
                guard pid > 0 else { return }
                closeReadyPipe(pid)
                if retiring.remove(pid) != nil {
                    master.logger.info("worker drained", metadata: ["web.worker.pid": "\(pid)"])
                } else if let slot = workers.removeValue(forKey: pid) {
                    master.logger.warning("worker died, replacing it", metadata: ["web.worker.pid": "\(pid)", "web.worker.status": "\(status)"])
                    // A worker that lived under a second waits out that second: no crash loop.
                    let earliest = (lastStart[slot] ?? .now) + .seconds(1)
                    due[slot] = Swift.max(earliest, .now)
                }
            }
        }

        mutating func restartDue() {
            guard !master.stopping else { return }
            for (slot, at) in due where at <= .now {
                due[slot] = nil
                start(slot: slot)
            }
        }

        /// Waits until each of `pids` has reported ready (or exited, or 20 s passed).
        mutating func waitReady(_ pids: [pid_t]) async {
            let deadline = ContinuousClock.now + .seconds(20)
            var waiting = Set(pids)
            while !waiting.isEmpty, ContinuousClock.now < deadline {
                for pid in waiting {
                    guard let fd = readyPipes[pid] else { waiting.remove(pid); continue }
                    var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    if poll(&p, 1, 0) > 0 {
                        // A byte means ready; end of file means the worker exited first.
                        closeReadyPipe(pid)
                        waiting.remove(pid)
                    }
                }
                if !waiting.isEmpty { try? await Task.sleep(for: .milliseconds(10)) }
            }
        }

        /// Replaces each serving worker: start the successor, wait until it is ready, then let
        /// the old one drain. At every moment at least `workerCount` workers accept.
        mutating func reload() async {
            for (oldPID, slot) in workers.sorted(by: { $0.value < $1.value }) {
                guard !master.stopping else { return }
                guard let newPID = start(slot: slot) else { continue }
                await waitReady([newPID])
                reap()
                guard workers[oldPID] != nil else { continue }
                workers[oldPID] = nil
                retiring.insert(oldPID)
                kill(oldPID, SIGTERM)
            }
            master.logger.info("reload complete", metadata: ["web.workers": "\(workers.count)"])
        }

        /// Tells every worker to drain and waits for them; kills what is left after the timeout.
        mutating func drainAll() async {
            for pid in workers.keys { retiring.insert(pid) }
            workers = [:]
            for pid in retiring { kill(pid, SIGTERM) }
            let deadline = ContinuousClock.now + master.drainTimeout
            while !retiring.isEmpty, ContinuousClock.now < deadline {
                reap()
                if !retiring.isEmpty { try? await Task.sleep(for: .milliseconds(20)) }
            }
            for pid in retiring {
                master.logger.warning("worker did not drain in time, killing it", metadata: ["web.worker.pid": "\(pid)"])
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
            retiring = []
            master.logger.info("all workers stopped")
        }

        mutating func closeReadyPipe(_ pid: pid_t) {
            if let fd = readyPipes.removeValue(forKey: pid) { close(fd) }
        }
    }
}
