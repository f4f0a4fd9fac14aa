import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Runs one kind of work: returns normally when done, throws to have the item retried.
public protocol WorkHandler: Sendable {
    /// The `work.kind` this handler runs.
    var kind: String { get }
    /// Seconds a lease lasts; the worker renews it while the handler runs longer.
    var lease: TimeInterval { get }
    /// Does the work; it may run more than once for one item (at-least-once), so make it idempotent.
    func handle(_ item: WorkItem) async throws
}

extension WorkHandler {
    public var lease: TimeInterval { 60 }
}

/// A handler error that names its own retry delay (e.g. a busy line retried sooner).
public struct RetryAfter: Error, CustomStringConvertible {
    public let seconds: TimeInterval
    public let reason: String
    public init(seconds: TimeInterval, reason: String) {
        self.seconds = seconds
        self.reason = reason
    }
    public var description: String { reason }
}

/// A service that claims work for its handlers and runs up to `concurrency` items at once,
/// polling when the queue is empty and stopping cleanly on graceful shutdown (items it holds
/// finish; items it never started go back to the queue when their lease ends).
public struct WorkQueueWorker: Service {
    let queue: WorkQueue
    let handlers: [String: any WorkHandler]
    let concurrency: Int
    let pollInterval: Duration
    let logger: Logger

    public init(queue: WorkQueue, handlers: [any WorkHandler], concurrency: Int = 4, pollInterval: Duration = .milliseconds(500), logger: Logger) {
        self.queue = queue
        self.handlers = Dictionary(uniqueKeysWithValues: handlers.map { ($0.kind, $0) })
        self.concurrency = max(1, concurrency)
        self.pollInterval = pollInterval
        self.logger = logger
    }

    public func run() async throws {
        guard !handlers.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        let kinds = handlers.keys.sorted()
        let running = Counter()
        // Finished items wake the claim loop (a slot is free) and the completer (ids to delete).
        let (slotFreed, slotFreedContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let completions = CompletionBuffer()
        await withDiscardingTaskGroup { group in
            group.addTask { await completions.run(queue: queue, logger: logger) }
            var wakeUps = slotFreed.makeAsyncIterator()
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let free = concurrency - running.value.withLock { $0 }
                // Claim in batches: wait until half the slots are free rather than claim one at a time.
                if free < max(1, concurrency / 2) {
                    _ = await wakeUps.next()
                    continue
                }
                var claimed: [WorkItem] = []
                do {
                    claimed = try await queue.claim(kinds: kinds, limit: free, lease: maxLease)
                } catch {
                    logger.error("claiming work failed: \(error)")
                }
                for item in claimed {
                    running.value.withLock { $0 += 1 }
                    group.addTask {
                        if await run(item) { completions.add(item.id) }
                        running.value.withLock { $0 -= 1 }
                        slotFreedContinuation.yield()
                    }
                }
                if claimed.isEmpty {
                    // The queue is empty for us: poll again after the interval.
                    try? await Task.sleep(for: pollInterval)
                }
            }
            logger.info("work queue worker draining \(running.value.withLock { $0 }) running item(s)")
            while running.value.withLock({ $0 }) > 0 {
                if await wakeUps.next() == nil { break }
            }
            completions.finish()
        }
    }

    private var maxLease: TimeInterval { handlers.values.map(\.lease).max() ?? 60 }

    /// Runs one item; true when it succeeded and should be completed.
    private func run(_ item: WorkItem) async -> Bool {
        guard let handler = handlers[item.kind] else { return false }
        var logger = self.logger
        logger[metadataKey: "work.id"] = "\(item.id)"
        logger[metadataKey: "work.kind"] = "\(item.kind)"
        // Keep the lease while a long handler runs; a dead process stops renewing and loses it.
        let renewal = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(max(1, handler.lease / 2)))
                _ = try? await queue.renew(item, lease: handler.lease)
            }
        }
        defer { renewal.cancel() }
        do {
            try await handler.handle(item)
            return true
        } catch {
            let retry = (error as? RetryAfter)?.seconds
            do {
                let outcome = try await queue.fail(item, error: "\(error)", retryAfter: retry)
                if outcome == .dead {
                    logger.error("work failed for the last time (attempt \(item.attempts)): \(error)")
                } else {
                    logger.warning("work failed (attempt \(item.attempts)), will retry: \(error)")
                }
            } catch {
                logger.error("recording a work failure failed; the lease will return it: \(error)")
            }
            return false
        }
    }
}

/// A count shared between the claim loop and the items it runs.
private final class Counter: Sendable {
    let value = Mutex(0)
}

/// Ids of finished items waiting to be deleted. Whatever finishes while one DELETE runs goes into
/// the next, so completions cost one statement per batch under load and one per item when idle.
/// A crash before the flush re-runs those items (at-least-once), never loses them.
private final class CompletionBuffer: Sendable {
    private let ids = Mutex<[Int64]>([])
    private let (signal, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

    func add(_ id: Int64) {
        ids.withLock { $0.append(id) }
        continuation.yield()
    }

    func finish() { continuation.finish() }

    func run(queue: WorkQueue, logger: Logger) async {
        for await _ in signal { await flush(queue: queue, logger: logger) }
        await flush(queue: queue, logger: logger)
    }

    private func flush(queue: WorkQueue, logger: Logger) async {
        let batch = ids.withLock { pending -> [Int64] in
            defer { pending = [] }
            return pending
        }
        guard !batch.isEmpty else { return }
        do {
            try await queue.complete(batch)
        } catch {
            logger.error("completing \(batch.count) work item(s) failed; their leases will return them: \(error)")
        }
    }
}
