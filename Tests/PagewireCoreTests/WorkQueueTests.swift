import Foundation
import Logging
import PagewireCore
import Synchronization
import Testing

@Suite("Work queue")
struct WorkQueueTests {
    @Test func eightWorkersCompleteTenThousandItemsExactlyOnce() async throws {
        try await TestDatabase.with(poolSize: 10) { test in
            // setup
            let total = 10_000
            try await test.database.transaction { c in
                for n in 0..<total { try WorkQueue.enqueue(on: c, kind: "test.count", payload: "{\"n\":\(n)}") }
            }
            let seen = Tally()
            // act
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<8 {
                    group.addTask {
                        let queue = WorkQueue(database: test.database, owner: "worker-\(w)")
                        while true {
                            let items = try await queue.claim(kinds: ["test.count"], limit: 16)
                            if items.isEmpty { return }
                            seen.counts.withLock { for item in items { $0[item.id, default: 0] += 1 } }
                            let done = try await queue.complete(items.map(\.id))
                            #expect(done == items.count)
                        }
                    }
                }
                try await group.waitForAll()
            }
            // check
            let counts = seen.counts.withLock { $0 }
            #expect(counts.count == total)
            #expect(counts.values.allSatisfy { $0 == 1 })
            let left = try await test.database.query("SELECT COUNT(*) AS n FROM work")
            #expect(try left[0].get("n", as: Int.self) == 0)
        }
    }

    @Test func failureBacksOffThenDeadLettersAndCanBeRevived() async throws {
        try await TestDatabase.with { test in
            let queue = WorkQueue(database: test.database, owner: "w")
            let t0 = Date()
            let id = try await queue.enqueue(kind: "test.fail", runAt: t0, maxAttempts: 2)
            // first attempt fails: retried after the back-off, not before
            let first = try #require(try await queue.claim(kinds: ["test.fail"], now: t0).first)
            #expect(first.id == id && first.attempts == 1)
            let outcome = try await queue.fail(first, error: "remote said no", now: t0)
            #expect(outcome == .retryAt(t0.addingTimeInterval(WorkQueue.backoff(attempt: 1))))
            #expect(try await queue.claim(kinds: ["test.fail"], now: t0.addingTimeInterval(1)).isEmpty)
            // second and last attempt fails: dead, kept with its error
            let second = try #require(try await queue.claim(kinds: ["test.fail"], now: t0.addingTimeInterval(6)).first)
            #expect(second.attempts == 2)
            #expect(try await queue.fail(second, error: "still no", now: t0.addingTimeInterval(6)) == .dead)
            #expect(try await queue.claim(kinds: ["test.fail"], now: t0.addingTimeInterval(10_000)).isEmpty)
            let dead = try await queue.deadItems(kind: "test.fail")
            #expect(dead.map(\.item.id) == [id] && dead.first?.lastError == "still no")
            // an operator revives it
            #expect(try await queue.revive(id: id, now: t0))
            #expect(try await queue.claim(kinds: ["test.fail"], now: t0.addingTimeInterval(1)).first?.attempts == 1)
        }
    }

    @Test func anExpiredLeaseHandsTheItemToAnotherWorker() async throws {
        try await TestDatabase.with { test in
            let a = WorkQueue(database: test.database, owner: "a")
            let b = WorkQueue(database: test.database, owner: "b")
            let t0 = Date()
            try await a.enqueue(kind: "test.lease", runAt: t0)
            let item = try #require(try await a.claim(kinds: ["test.lease"], lease: 10, now: t0).first)
            #expect(try await b.claim(kinds: ["test.lease"], now: t0.addingTimeInterval(5)).isEmpty)
            let again = try #require(try await b.claim(kinds: ["test.lease"], now: t0.addingTimeInterval(11)).first)
            #expect(again.id == item.id && again.attempts == 2)
            // the first owner's late completion no longer counts; the new owner's does
            #expect(try await a.complete(item) == false)
            #expect(try await b.complete(again) == true)
        }
    }

    @Test func dedupeKeyMakesEnqueueIdempotent() async throws {
        try await TestDatabase.with { test in
            let queue = WorkQueue(database: test.database, owner: "w")
            let first = try await queue.enqueue(kind: "test.dedupe", dedupeKey: "fax-7-deliver")
            let second = try await queue.enqueue(kind: "test.dedupe", dedupeKey: "fax-7-deliver")
            #expect(first == second)
            let rows = try await test.database.query("SELECT COUNT(*) AS n FROM work")
            #expect(try rows[0].get("n", as: Int.self) == 1)
        }
    }

    @Test func workOfAProcessKilledMidLeaseIsFinishedByAnother() async throws {
        try await TestDatabase.with { test in
            // setup: a separate pagewire-jobs process claims the item with a 1 s lease and hangs
            let queue = WorkQueue(database: test.database, owner: "survivor")
            let id = try await queue.enqueue(kind: "test.kill")
            let probe = try TestProcess.start(
                "pagewire-jobs", ["queue-probe", "--kind", "test.kill", "--lease", "1"],
                environment: ["PAGEWIRE_DATABASE_URL": test.url.urlString])
            let line = try probe.readLine()
            #expect(line == "claimed \(id)")
            // act: SIGKILL, no chance to clean up
            probe.kill(signal: SIGKILL)
            // check: once the lease runs out, another worker gets it and finishes it
            var recovered: WorkItem?
            for _ in 0..<100 where recovered == nil {
                recovered = try await queue.claim(kinds: ["test.kill"]).first
                if recovered == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            let item = try #require(recovered)
            #expect(item.id == id && item.attempts == 2)
            #expect(try await queue.complete(item))
        }
    }
}

/// Claims per item, shared by the concurrent workers of a test.
final class Tally: Sendable {
    let counts = Mutex<[Int64: Int]>([:])
}

@Suite("Work queue worker")
struct WorkQueueWorkerTests {
    /// Records each item it runs; fails the first attempt of items whose payload asks for it.
    struct RecordingHandler: WorkHandler {
        let kind = "test.worker"
        let tally: Tally
        func handle(_ item: WorkItem) async throws {
            tally.counts.withLock { $0[item.id, default: 0] += 1 }
            if item.payload.contains("fail-once"), item.attempts == 1 {
                throw RetryAfter(seconds: 0, reason: "first attempt fails")
            }
        }
    }

    @Test func runsEveryItemRetriesFailuresAndStopsWhenCancelled() async throws {
        try await TestDatabase.with { test in
            let queue = WorkQueue(database: test.database, owner: "worker-test")
            var ids: [Int64] = []
            for n in 0..<200 { ids.append(try await queue.enqueue(kind: "test.worker", payload: n % 10 == 0 ? "{\"fail-once\":1}" : "{}")) }
            let tally = Tally()
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let worker = WorkQueueWorker(queue: queue, handlers: [RecordingHandler(tally: tally)], concurrency: 8, pollInterval: .milliseconds(20), logger: logger)
            let task = Task { try await worker.run() }
            var left = Int.max
            for _ in 0..<500 where left > 0 {
                left = try await test.database.query("SELECT COUNT(*) AS n FROM work")[0].get("n", as: Int.self)
                if left > 0 { try await Task.sleep(for: .milliseconds(20)) }
            }
            task.cancel()
            _ = try? await task.value
            #expect(left == 0)
            let counts = tally.counts.withLock { $0 }
            #expect(Set(counts.keys) == Set(ids))
            for (i, id) in ids.enumerated() { #expect(counts[id] == (i % 10 == 0 ? 2 : 1)) }
        }
    }
}
