import ArgumentParser
import PagewireCore
import ServiceLifecycle

@main
struct TelephonyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pagewire-telephony",
        abstract: "Pagewire telephony: the SIP user agent, RTP/G.711 and T.38 media, and the carrier simulator.",
        subcommands: [Serve.self, Simulate.self, SimulatorTrunk.self],
        defaultSubcommand: Serve.self
    )

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the telephony services until SIGTERM or SIGINT.")
        @Option(help: "Configuration file (default: config/pagewire.toml).") var config: String?

        func run() async throws {
            let env = ProcessEnvironment.start(component: "telephony", configFile: config)
            let database = Database(url: env.configuration.databaseURL, maxConnections: env.configuration.databasePoolSize, logger: env.logger)
            let registration = ProcessRegistration(database: database, role: "telephony", logger: env.logger)
            let vault = try Vault.open(database: database, configuration: env.configuration)
            let endpoint = try await TelephonyService.start(configuration: env.configuration, logger: env.logger)
            try await endpoint.registerTrunks(database: database)
            let worker = WorkQueueWorker(
                queue: WorkQueue(database: database, owner: registration.processID),
                handlers: [endpoint.sendHandler(database: database, vault: vault, configuration: env.configuration, worker: registration.processID)],
                concurrency: env.configuration.telephonyMaxCalls, logger: env.logger)
            let group = ServiceGroup(
                configuration: .init(services: [registration, endpoint, worker] as [any Service], gracefulShutdownSignals: [.sigterm, .sigint], logger: env.logger)
            )
            try await group.run()
            await database.shutdown()
        }
    }

    struct Simulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the carrier simulator: numbers +1 555 01xx answer as fax machines, busy lines, no answer… (see README).")
        @Option(help: "Configuration file (default: config/pagewire.toml).") var config: String?

        func run() async throws {
            let env = ProcessEnvironment.start(component: "simulator", configFile: config)
            let simulator = try await SimulatorService.start(configuration: env.configuration, logger: env.logger)
            let group = ServiceGroup(
                configuration: .init(services: [simulator] as [any Service], gracefulShutdownSignals: [.sigterm, .sigint], logger: env.logger)
            )
            try await group.run()
        }
    }

    struct SimulatorTrunk: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "simulator-trunk",
            abstract: "Create a trunk toward the carrier simulator when no trunk exists yet (used by scripts/run).")
        @Option(help: "Configuration file (default: config/pagewire.toml).") var config: String?

        func run() async throws {
            let env = ProcessEnvironment.start(component: "telephony", configFile: config)
            let database = Database(url: env.configuration.databaseURL, maxConnections: 2, logger: env.logger)
            let trunks = TrunkRepository(database: database)
            if try await trunks.all().isEmpty {
                let trunk = try await trunks.create(Trunk(name: "simulator", host: env.configuration.simulatorSIPHost,
                                                          port: env.configuration.simulatorSIPPort))
                env.logger.info("Created trunk 'simulator' toward \(trunk.host):\(trunk.port)")
            }
            await database.shutdown()
        }
    }
}
