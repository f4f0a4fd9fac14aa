import ArgumentParser
import Foundation
import PagewireCore

extension JobsCommand {
    /// `scripts/bench api`, step 1: a fresh database with one company, a sender with a vault and
    /// an API token; prints `TOKEN <token>`.
    struct BenchAPISetup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "bench-api-setup", shouldDisplay: false)
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await BenchSetup.run(configFile: options.config) { bench in
                let reseller = try await bench.accounts.create(kind: .reseller, name: "Reseller", parentID: bench.platform.id, scope: bench.platform.scope)
                let company = try await bench.accounts.create(kind: .company, name: "Company", parentID: reseller.id, scope: bench.platform.scope)
                let user = try await bench.users.create(accountID: company.id, email: "bench@company.test", password: "bench-pw", scope: bench.platform.scope)
                let vault = Vault(database: bench.database, transit: try TransitKeyring.loadOrCreate(path: bench.configuration.vaultTransitKeyFile), kdfParameters: .testing)
                try await vault.keyring.enroll(userID: user.id, password: "bench-pw")
                _ = try await vault.keyring.createVault(companyID: company.id, firstAdminUserID: user.id, actor: .system("bench"))
                let token = try await APITokenRepository(database: bench.database).create(userID: user.id, name: "bench", scope: bench.platform.scope)
                return "TOKEN \(token.secret)"
            }
        }
    }

    /// `scripts/bench api`, the reference: single-row INSERT commits (autocommit) from
    /// `connections` connections for `seconds`; prints `REFERENCE <rows/s>`.
    struct BenchAPIReference: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "bench-api-reference", shouldDisplay: false)
        @OptionGroup var options: CommonOptions
        @Option var connections = 8
        @Option var seconds = 10.0

        func run() async throws {
            let env = ProcessEnvironment.start(component: "bench", configFile: options.config)
            let database = Database(url: env.configuration.databaseURL, maxConnections: connections, logger: env.logger)
            try await database.execute("DROP TABLE IF EXISTS bench_inserts")
            try await database.execute(
                "CREATE TABLE bench_inserts (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, n INT NOT NULL, at DATETIME(6) NOT NULL) ENGINE=InnoDB")
            let deadline = Date().addingTimeInterval(seconds)
            let start = Date()
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for w in 0..<connections {
                    group.addTask {
                        try await database.withConnection { c in
                            var n = 0
                            while Date() < deadline {
                                try c.execute("INSERT INTO bench_inserts (n, at) VALUES (?, ?)", w, Date())
                                n += 1
                            }
                            return n
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            let rate = Double(counts) / Date().timeIntervalSince(start)
            try await database.execute("DROP TABLE bench_inserts")
            await database.shutdown()
            print(String(format: "REFERENCE %.0f", rate))
        }
    }
}
