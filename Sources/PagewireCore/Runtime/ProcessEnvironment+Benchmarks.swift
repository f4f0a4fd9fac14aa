import Foundation

extension ProcessEnvironment {
    /// The configured database dropped, created empty and migrated, with a pool of
    /// `maxConnections`: where every `bench-…` command starts (benchmarks start from nothing).
    public func recreatedDatabase(maxConnections: Int) async throws -> Database {
        let url = configuration.databaseURL
        try Migrator.recreateDatabase(url)
        let database = Database(url: url, maxConnections: maxConnections, logger: logger)
        try await Migrator(directory: configuration.resourcesDirectory + "/Migrations", logger: logger).migrate(database)
        return database
    }
}
