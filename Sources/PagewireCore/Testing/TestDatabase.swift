import Foundation
import Logging

/// A throw-away database for one test, on the server `scripts/test` started.
///
/// Each instance creates `pw_test_<random>` on the server named by `PAGEWIRE_TEST_DATABASE_URL`,
/// applies every migration, and drops the database in `drop()`. It refuses any host but
/// loopback, so a test can never touch a real server by mistake.
public struct TestDatabase: Sendable {
    public let database: Database
    public let url: DatabaseURL

    public enum SetupError: Error, CustomStringConvertible {
        case notConfigured
        case notLoopback(String)
        public var description: String {
            switch self {
            case .notConfigured: "PAGEWIRE_TEST_DATABASE_URL is not set: run the tests through scripts/test"
            case .notLoopback(let host): "refusing to run tests against non-loopback database host \(host)"
            }
        }
    }

    /// The server URL (no database) that tests use.
    public static func serverURL() throws -> DatabaseURL {
        guard let text = ProcessInfo.processInfo.environment["PAGEWIRE_TEST_DATABASE_URL"] else {
            throw SetupError.notConfigured
        }
        let url = try DatabaseURL(parsing: text)
        guard ["127.0.0.1", "localhost", "::1"].contains(url.host) else { throw SetupError.notLoopback(url.host) }
        return url
    }

    /// The repository root (for `Resources/`), from `PAGEWIRE_TEST_ROOT` or this file's location.
    public static var repositoryRoot: String {
        if let root = ProcessInfo.processInfo.environment["PAGEWIRE_TEST_ROOT"] { return root }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// Creates and migrates a fresh database.
    public static func make(poolSize: Int = 8, migrate: Bool = true) async throws -> TestDatabase {
        let name = "pw_test_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let url = try serverURL().with(database: name)
        try Migrator.createDatabaseIfNeeded(url)
        var logger = Logger(label: "pagewire.test.database")
        logger.logLevel = .warning
        let database = Database(url: url, maxConnections: poolSize, logger: logger)
        if migrate {
            try await Migrator(directory: repositoryRoot + "/Resources/Migrations", logger: logger).migrate(database)
        }
        return TestDatabase(database: database, url: url)
    }

    /// Drops the database and closes the pool.
    public func drop() async {
        await database.shutdown()
        if let admin = try? DatabaseConnection(url: url.with(database: "")) {
            try? admin.run("DROP DATABASE IF EXISTS `\(url.database)`")
        }
    }
}

extension TestDatabase {
    /// Runs `body` with a fresh database and drops it afterwards, whether `body` throws or not.
    public static func with<T>(
        poolSize: Int = 8, migrate: Bool = true,
        _ body: (TestDatabase) async throws -> T
    ) async throws -> T {
        let test = try await make(poolSize: poolSize, migrate: migrate)
        do {
            let result = try await body(test)
            await test.drop()
            return result
        } catch {
            await test.drop()
            throw error
        }
    }
}
