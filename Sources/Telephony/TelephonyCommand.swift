import ArgumentParser
import PagewireCore
import ServiceLifecycle

@main
struct TelephonyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pagewire-telephony",
        abstract: "Pagewire background telephony: queue workers, mail, delivery, retention.",
        subcommands: [Serve.self],
        defaultSubcommand: Serve.self
    )

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the telephony services until SIGTERM or SIGINT.")
        @Option(help: "Configuration file (default: config/pagewire.toml).") var config: String?

        func run() async throws {
            let env = ProcessEnvironment.start(component: "telephony", configFile: config)
            let database = Database(url: env.configuration.databaseURL, maxConnections: env.configuration.databasePoolSize, logger: env.logger)
            let registration = ProcessRegistration(database: database, role: "telephony", logger: env.logger)
            let group = ServiceGroup(
                configuration: .init(services: [registration] as [any Service], gracefulShutdownSignals: [.sigterm, .sigint], logger: env.logger)
            )
            try await group.run()
            await database.shutdown()
        }
    }
}
