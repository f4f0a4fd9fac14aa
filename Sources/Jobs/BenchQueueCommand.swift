import ArgumentParser
import Foundation
import PagewireCore

extension JobsCommand {
    /// `scripts/bench queue`: the work queue against plain single-row UPDATE commits.
    struct BenchQueue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "bench-queue", shouldDisplay: false)
        @OptionGroup var options: CommonOptions
        @Option var items = 20_000
        @Option var workers = 8
        @Option(help: "WorkQueueWorker instances (as if in separate processes).") var processes = 4
        @Option(help: "Items each worker runs at once.") var concurrency = 16

        func run() async throws {
            let env = ProcessEnvironment.start(component: "bench", configFile: options.config)
            let database = try await env.recreatedDatabase(maxConnections: workers + 1)

            // Reference: single-row UPDATE commits by id, same table shape and size, same concurrency.
            try await database.execute("CREATE TABLE bench_rows (id BIGINT PRIMARY KEY, n BIGINT NOT NULL) ENGINE=InnoDB")
            try await database.transaction { c in
                for id in 1...items { try c.execute("INSERT INTO bench_rows VALUES (?, 0)", Int64(id)) }
            }
            let perWorker = items / workers
            let referenceStart = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<workers {
                    group.addTask {
                        try await database.withConnection { c in
                            for i in 0..<perWorker {
                                try c.execute("UPDATE bench_rows SET n = n + 1 WHERE id = ?", Int64(w * perWorker + i + 1))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let referenceRate = Double(perWorker * workers) / seconds(ContinuousClock.now - referenceStart)

            // Ours: the production path — WorkQueueWorker services with a no-op handler, as many
            // as there are reference connections' worth of workers, until the queue is empty.
            try await database.transaction { c in
                for n in 0..<items { try WorkQueue.enqueue(on: c, kind: "bench", payload: "{\"n\":\(n)}") }
            }
            let services = (0..<processes).map { p in
                WorkQueueWorker(
                    queue: WorkQueue(database: database, owner: "bench-\(p)"), handlers: [NoOpHandler()],
                    concurrency: concurrency, pollInterval: .milliseconds(10), logger: env.logger)
            }
            let start = ContinuousClock.now
            let running = services.map { service in Task { try await service.run() } }
            while try await database.query("SELECT COUNT(*) AS n FROM work")[0].get("n", as: Int.self) > 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            let rate = Double(items) / seconds(ContinuousClock.now - start)
            for task in running { task.cancel() }
            for task in running { _ = try? await task.value }
            await database.shutdown()
            let ratio = rate / referenceRate
            print(String(format: "reference: %.0f single-row UPDATE commits/s (%d connections)", referenceRate, workers))
            print(String(format: "queue: %.0f claims+completions/s (%d WorkQueueWorker services × %d slots, no-op handler)", rate, processes, concurrency))
            print(String(format: "BENCH queue value=%.0f unit=items/s ratio=%.3f reference=single-row-UPDATE-commits/s=%.0f", rate, ratio, referenceRate))
        }

        private func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
    }
}

/// A handler that does nothing, so the benchmark measures the queue alone.
private struct NoOpHandler: WorkHandler {
    let kind = "bench"
    func handle(_ item: WorkItem) async throws {}
}
