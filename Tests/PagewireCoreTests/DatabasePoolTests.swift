import Foundation
import PagewireCore
import Synchronization
import Testing

@Suite("Database pool", .serialized)
struct DatabasePoolTests {
    @Test func manyTasksShareAFewConnections() async throws {
        try await TestDatabase.with(poolSize: 4) { test in
            try await test.database.execute("CREATE TABLE hits (id BIGINT AUTO_INCREMENT PRIMARY KEY, conn BIGINT NOT NULL)")
            // 200 concurrent tasks through 4 connections: each runs, none sees another's connection at once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<200 {
                    group.addTask {
                        _ = try await test.database.withConnection { c in
                            try c.execute("INSERT INTO hits (conn) VALUES (CONNECTION_ID())")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let rows = try await test.database.query("SELECT COUNT(*) AS n, COUNT(DISTINCT conn) AS c FROM hits")
            #expect(try rows[0].get("n", as: Int.self) == 200)
            #expect(try rows[0].get("c", as: Int.self) <= 4)
        }
    }

    @Test func transactionsCommitOrRollBack() async throws {
        try await TestDatabase.with { test in
            try await test.database.execute("CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB")
            try await test.database.transaction { c in try c.execute("INSERT INTO t VALUES (1)") }
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await test.database.transaction { c in
                    try c.execute("INSERT INTO t VALUES (2)")
                    throw Boom()
                }
            }
            await #expect {
                try await test.database.execute("INSERT INTO t VALUES (1)")
            } throws: { ($0 as? DatabaseError)?.kind == .duplicateKey }
            let ids = try await test.database.query("SELECT id FROM t ORDER BY id")
            #expect(try ids.map { try $0.get("id", as: Int.self) } == [1])
        }
    }

    @Test func errorsSayWhatFailedWithoutTheStatement() async throws {
        try await TestDatabase.with { test in
            await #expect {
                try await test.database.query("SELECT secret_column FROM no_such_table WHERE x = ?", "value-that-must-not-leak")
            } throws: { error in
                let text = "\(error)"
                return text.contains("preparing a statement") && !text.contains("value-that-must-not-leak")
            }
            await #expect {
                try await test.database.query("SELECT ?", 1, 2)
            } throws: { "\($0)".contains("expects 1 parameters, got 2") }
        }
    }

    @Test func theNextCallWorksAfterTheServerRestarts() async throws {
        // A server of its own, so restarting it cannot disturb tests running in parallel.
        let root = TestDatabase.repositoryRoot
        let dir = root + "/var/test-db-restart-\(try TestDatabase.serverURL().port)"
        // A port the kernel hands out free: one beside the suite's own server can be another worktree's.
        let port = try TestPorts.freeTCPPort()
        #expect(system("\(root)/scripts/db start \(dir) \(port)") == 0)
        defer { _ = system("\(root)/scripts/db stop \(dir)") }
        let password = try String(contentsOfFile: dir + "/password", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let url = DatabaseURL(user: "pagewire", password: password, host: "127.0.0.1", port: port, database: "restart_test")
        try Migrator.createDatabaseIfNeeded(url)
        let database = Database(url: url, maxConnections: 2)
        // setup: warm connections
        try await database.execute("CREATE TABLE IF NOT EXISTS r (id INT PRIMARY KEY)")
        try await database.execute("REPLACE INTO r VALUES (1)")
        // act: restart the server under the pool
        #expect(system("\(root)/scripts/db restart \(dir) \(port)") == 0)
        // check: the very next call succeeds on a fresh connection
        let rows = try await database.query("SELECT id FROM r")
        #expect(try rows.map { try $0.get("id", as: Int.self) } == [1])
        await database.shutdown()
    }
}
