import Crypto
import Foundation
import Logging

/// Applies the numbered SQL files of `Resources/Migrations` in order.
///
/// Each applied file is recorded in `schema_migrations` with the SHA-256 of its text; a landed
/// file that was edited since, or a recorded migration this build does not have, stops the run
/// instead of guessing. A named lock (`GET_LOCK`) makes two processes starting at once apply
/// each migration exactly once: the second waits, then finds nothing left to do. The lock is
/// named after the database, so migrations of different databases on one server (tests, a
/// second installation) never wait for each other.
public struct Migrator: Sendable {
    /// One migration file.
    public struct Migration: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let sql: String

        public init(version: Int, name: String, sql: String) {
            self.version = version
            self.name = name
            self.sql = sql
        }

        public var checksum: String {
            SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
        }
    }

    public enum MigrationError: Error, CustomStringConvertible {
        case unreadableDirectory(String)
        case badFileName(String)
        case duplicateVersion(Int)
        case edited(version: Int, name: String)
        case unknownApplied(version: Int, name: String)
        case lockTimeout
        case failed(version: Int, name: String, statement: Int, underlying: any Error)

        public var description: String {
            switch self {
            case .unreadableDirectory(let d): "migrations directory \(d) cannot be read"
            case .badFileName(let f): "migration file \(f) must be named NNNN_name.sql"
            case .duplicateVersion(let v): "two migration files have version \(v)"
            case .edited(let v, let n): "migration \(v) (\(n)) was edited after it was applied; add a new migration instead"
            case .unknownApplied(let v, let n): "the database has migration \(v) (\(n)) that this build does not know; run a newer build"
            case .lockTimeout: "another process held the migration lock for too long"
            case .failed(let v, let n, let s, let e): "migration \(v) (\(n)) failed at statement \(s): \(e)"
            }
        }
    }

    public let migrations: [Migration]
    private let logger: Logger

    public init(migrations: [Migration], logger: Logger = Logger(label: "pagewire.migrations")) {
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Reads every `NNNN_name.sql` file of `directory`.
    public init(directory: String, logger: Logger = Logger(label: "pagewire.migrations")) throws {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw MigrationError.unreadableDirectory(directory)
        }
        var migrations: [Migration] = []
        for file in files.sorted() where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else {
                throw MigrationError.badFileName(file)
            }
            let sql = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        if let dup = Dictionary(grouping: migrations, by: \.version).first(where: { $0.value.count > 1 }) {
            throw MigrationError.duplicateVersion(dup.key)
        }
        self.init(migrations: migrations, logger: logger)
    }

    /// Creates the database named in `url` when it does not exist yet.
    public static func createDatabaseIfNeeded(_ url: DatabaseURL) throws {
        let admin = try DatabaseConnection(url: url.with(database: ""))
        try admin.run("CREATE DATABASE IF NOT EXISTS `\(url.database)` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    }

    /// Drops the database of `url` if it exists and creates it empty (benchmarks start from nothing).
    public static func recreateDatabase(_ url: DatabaseURL) throws {
        let admin = try DatabaseConnection(url: url.with(database: ""))
        try admin.run("DROP DATABASE IF EXISTS `\(url.database)`")
        try admin.run("CREATE DATABASE `\(url.database)` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    }

    /// Applies what is pending and returns the versions it applied.
    @discardableResult
    public func migrate(_ database: Database) async throws -> [Int] {
        let migrations = self.migrations
        let logger = self.logger
        return try await database.withConnection { connection in
            let locked = try connection.query("SELECT GET_LOCK(LEFT(CONCAT('pagewire_migrations:', DATABASE()), 64), 120) AS got")
            guard try locked.first?.optional("got", as: Int.self) == 1 else { throw MigrationError.lockTimeout }
            defer { _ = try? connection.query("SELECT RELEASE_LOCK(LEFT(CONCAT('pagewire_migrations:', DATABASE()), 64)) AS released") }

            try connection.run("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INT NOT NULL PRIMARY KEY,
                    name VARCHAR(200) NOT NULL,
                    checksum CHAR(64) CHARACTER SET ascii NOT NULL,
                    applied_at DATETIME(6) NOT NULL
                ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4
                """)
            var applied: [Int: (name: String, checksum: String)] = [:]
            for row in try connection.query("SELECT version, name, checksum FROM schema_migrations") {
                applied[try row.get("version")] = (try row.get("name"), try row.get("checksum"))
            }
            let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
            for (version, record) in applied.sorted(by: { $0.key < $1.key }) {
                guard let migration = known[version] else {
                    throw MigrationError.unknownApplied(version: version, name: record.name)
                }
                if migration.checksum != record.checksum {
                    throw MigrationError.edited(version: version, name: migration.name)
                }
            }
            var done: [Int] = []
            for migration in migrations where applied[migration.version] == nil {
                logger.info("applying migration \(migration.version) \(migration.name)")
                for (index, statement) in Self.statements(in: migration.sql).enumerated() {
                    do { try connection.run(statement) } catch {
                        throw MigrationError.failed(version: migration.version, name: migration.name, statement: index + 1, underlying: error)
                    }
                }
                try connection.execute(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                    migration.version, migration.name, migration.checksum, Date())
                done.append(migration.version)
            }
            return done
        }
    }

    /// Splits a file into statements at semicolons that end a line; `--` comment lines are dropped.
    static func statements(in sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingWhitespace()
            if trimmed.hasPrefix("--") || trimmed.isEmpty { continue }
            current += line + "\n"
            if trimmed.hasSuffix(";") {
                statements.append(String(current.trimmingCharacters(in: .whitespacesAndNewlines).dropLast()))
                current = ""
            }
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { statements.append(rest) }
        return statements
    }
}
