import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import PagewireCore
import ServiceLifecycle

@main
struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pagewire-web",
        abstract: "Pagewire web: the portal and the REST API.",
        subcommands: [Serve.self, Worker.self, BenchSeed.self],
        defaultSubcommand: Serve.self
    )

    /// The prefork master: binds the port, runs the workers, reloads on SIGHUP, drains on SIGTERM.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve HTTP until SIGTERM or SIGINT (SIGHUP reloads the workers).")
        @Option(help: "Configuration file (default: config/pagewire.toml).") var config: String?

        func run() async throws {
            let env = ProcessEnvironment.start(component: "web", configFile: config)
            let configuration = env.configuration
            let listening: ListeningSocket
            do {
                listening = try ListeningSocket.bind(host: configuration.webHost, port: configuration.webPort)
            } catch {
                env.logger.critical("\(error)")
                throw ExitCode(71)
            }
            let workers = configuration.webWorkers == 0 ? ProcessInfo.processInfo.activeProcessorCount : configuration.webWorkers
            var arguments = ["worker"]
            if let config { arguments += ["--config", config] }
            let master = PreforkMaster(
                listening: listening,
                spawner: WorkerSpawner(executable: WorkerSpawner.currentExecutable, arguments: arguments),
                workerCount: workers,
                logger: env.logger
            )
            let database = Database(url: configuration.databaseURL, maxConnections: 2, logger: env.logger)
            let registration = ProcessRegistration(database: database, role: "web", logger: env.logger)
            let group = ServiceGroup(
                configuration: .init(services: [registration, master] as [any Service], gracefulShutdownSignals: [.sigterm, .sigint], logger: env.logger)
            )
            try await group.run()
            await database.shutdown()
        }
    }

    /// One HTTP worker, started by the master with the listening socket as descriptor 3.
    struct Worker: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Internal: serve on the master's socket.", shouldDisplay: false)
        @Option(help: "Configuration file (default: config/pagewire.toml).") var config: String?

        func run() async throws {
            // Die with the master: SIGTERM drains like a normal stop.
            ProcessShim.armParentDeathSignal(SIGTERM)
            // Swift tasks run on the worker's event loops: a request no longer hops between NIO's
            // threads and Swift's own pool (context switches were a fifth of a worker's CPU under
            // load). Blocking work still belongs on the database pool's threads, as before.
            NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
            let env = ProcessEnvironment.start(component: "web-worker", configFile: config)
            if getppid() == 1 { throw ExitCode(0) }
            let database = Database(url: env.configuration.databaseURL, maxConnections: env.configuration.databasePoolSize, logger: env.logger)
            let vault = try Vault.open(database: database, configuration: env.configuration)
            let server = try await buildWorkerServer(
                configuration: env.configuration, database: database, vault: vault, logger: env.logger,
                listenDescriptor: WorkerSpawner.listenDescriptor, readyDescriptor: WorkerSpawner.readyDescriptor)
            let group = ServiceGroup(
                configuration: .init(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: env.logger)
            )
            try await group.run()
            await database.shutdown()
        }
    }
}
