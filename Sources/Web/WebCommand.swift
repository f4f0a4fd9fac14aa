import ArgumentParser
import Hummingbird
import PagewireCore
import ServiceLifecycle

@main
struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pagewire-web",
        abstract: "Pagewire web: the portal and the REST API.",
        subcommands: [Serve.self],
        defaultSubcommand: Serve.self
    )

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve HTTP until SIGTERM or SIGINT.")
        @Option(help: "Configuration file (default: config/pagewire.toml).") var config: String?

        func run() async throws {
            let env = ProcessEnvironment.start(component: "web", configFile: config)
            let database = Database(url: env.configuration.databaseURL, maxConnections: env.configuration.databasePoolSize, logger: env.logger)
            let registration = ProcessRegistration(database: database, role: "web", logger: env.logger)
            let vault = try Vault.open(database: database, configuration: env.configuration)
            let app = try buildApplication(configuration: env.configuration, database: database, vault: vault, logger: env.logger)
            let group = ServiceGroup(
                configuration: .init(services: [registration, app] as [any Service], gracefulShutdownSignals: [.sigterm, .sigint], logger: env.logger)
            )
            try await group.run()
            await database.shutdown()
        }
    }
}
