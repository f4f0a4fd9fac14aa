import Foundation
import PagewireCore

/// The start every `bench-…-setup` command shares: a fresh, migrated database holding the
/// platform account "Bench", into which the command seeds what its benchmark needs.
struct BenchSetup {
    let configuration: Configuration
    let database: Database
    let accounts: AccountRepository
    let users: UserRepository
    let platform: Account

    /// Re-creates the configured database, applies every migration, creates the platform
    /// account, runs `seed`, and prints the line it returns (scripts/benchmarks parse it).
    static func run(configFile: String?, seed: (BenchSetup) async throws -> String) async throws {
        let env = ProcessEnvironment.start(component: "bench", configFile: configFile)
        let database = try await env.recreatedDatabase(maxConnections: 2)
        let accounts = AccountRepository(database: database)
        let platform = try await accounts.create(platformName: "Bench")
        let users = UserRepository(database: database, passwordParameters: .testing)
        let line = try await seed(BenchSetup(
            configuration: env.configuration, database: database, accounts: accounts, users: users, platform: platform))
        await database.shutdown()
        print(line)
    }
}
