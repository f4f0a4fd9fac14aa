import Foundation
import PagewireCore
import Testing

@Suite("Migrations")
struct MigratorTests {
    static let first = Migrator.Migration(version: 1, name: "one", sql: "CREATE TABLE one (id INT PRIMARY KEY);\n-- a comment\nINSERT INTO one VALUES (1);")
    static let second = Migrator.Migration(version: 2, name: "two", sql: "CREATE TABLE two (id INT PRIMARY KEY);")

    @Test func appliesInOrderOnceAndRecordsChecksums() async throws {
        try await TestDatabase.with(migrate: false) { test in
            let migrator = Migrator(migrations: [Self.second, Self.first])
            #expect(try await migrator.migrate(test.database) == [1, 2])
            #expect(try await migrator.migrate(test.database) == [])
            let rows = try await test.database.query("SELECT version, checksum FROM schema_migrations ORDER BY version")
            #expect(try rows.map { try $0.get("version", as: Int.self) } == [1, 2])
            #expect(try rows[0].get("checksum", as: String.self) == Self.first.checksum)
            #expect(try await test.database.query("SELECT id FROM one").count == 1)
        }
    }

    @Test func concurrentStartsApplyEachMigrationExactlyOnce() async throws {
        try await TestDatabase.with(migrate: false) { test in
            let migrator = try Migrator(directory: TestDatabase.repositoryRoot + "/Resources/Migrations")
            // Eight processes' worth of pools starting at once against one database.
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let pool = Database(url: test.url, maxConnections: 1)
                        defer { Task { await pool.shutdown() } }
                        return try await migrator.migrate(pool)
                    }
                }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            let all = applied.flatMap { $0 }
            #expect(all.sorted() == migrator.migrations.map(\.version))
            #expect(applied.filter { !$0.isEmpty }.count == 1)
        }
    }

    @Test func refusesAnEditedOrUnknownMigration() async throws {
        try await TestDatabase.with(migrate: false) { test in
            try await Migrator(migrations: [Self.first, Self.second]).migrate(test.database)
            let edited = Migrator.Migration(version: 1, name: "one", sql: Self.first.sql + "\nINSERT INTO one VALUES (2);")
            await #expect {
                try await Migrator(migrations: [edited, Self.second]).migrate(test.database)
            } throws: { error in
                "\(error)" == "migration 1 (one) was edited after it was applied; add a new migration instead"
            }
            await #expect {
                try await Migrator(migrations: [Self.first]).migrate(test.database)
            } throws: { error in
                "\(error)".contains("does not know")
            }
        }
    }

    @Test func aFailingMigrationNamesItselfAndIsNotRecorded() async throws {
        try await TestDatabase.with(migrate: false) { test in
            let broken = Migrator.Migration(version: 3, name: "broken", sql: "CREATE TABLE three (id INT);\nCREATE TABLE oops (;")
            await #expect {
                try await Migrator(migrations: [Self.first, broken]).migrate(test.database)
            } throws: { error in
                "\(error)".hasPrefix("migration 3 (broken) failed at statement 2")
            }
            let versions = try await test.database.query("SELECT version FROM schema_migrations")
            #expect(try versions.map { try $0.get("version", as: Int.self) } == [1])
        }
    }
}
