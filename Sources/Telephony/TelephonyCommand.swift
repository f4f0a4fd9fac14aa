import ArgumentParser
import PagewireCore
import ServiceLifecycle
import TelephonyKit

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
            // Trunk passwords are wrapped with the platform key; rows from before that are sealed now.
            let trunks = TrunkRepository(database: database, secrets: vault.documents.transit)
            let sealed = try await trunks.sealPasswords()
            if sealed > 0 { env.logger.info("Trunk passwords wrapped with the current platform key", metadata: ["trunk.count": "\(sealed)"]) }
            let endpoint = try await TelephonyService.start(configuration: env.configuration, logger: env.logger)
            try await endpoint.registerTrunks(trunks)
            try await endpoint.answerInbound(database: database, trunks: trunks, vault: vault, configuration: env.configuration, worker: registration.processID)
            let health = endpoint.trunkHealth(trunks: trunks)
            let worker = WorkQueueWorker(
                queue: WorkQueue(database: database, owner: registration.processID),
                handlers: [endpoint.sendHandler(database: database, trunks: trunks, vault: vault, configuration: env.configuration, worker: registration.processID),
                           TrunkCheckHandler(health: health)],
                concurrency: env.configuration.telephonyMaxCalls, logger: env.logger)
            var services: [any Service] = [registration, endpoint, worker]
            if env.configuration.telephonyTrunkCheckSeconds > 0 {
                services.append(TrunkCheckService(health: health, interval: .seconds(env.configuration.telephonyTrunkCheckSeconds), logger: env.logger))
            }
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: env.logger)
            )
            try await group.run()
            await database.shutdown()
        }
    }

    struct Simulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the carrier simulator: numbers +1 555 01xx answer as fax machines, busy lines, no answer… (see README).",
            discussion: """
            With --call, the simulator instead sends one test fax to a number of the platform (through \
            pagewire-telephony serve at telephony.sip_host:sip_port, or --to), prints how the call went \
            and exits: 0 when the fax went through, 1 otherwise.
            """)
        @Option(help: "Configuration file (default: config/pagewire.toml).") var config: String?
        @Option(help: "Send a test fax to this platform number instead of serving, e.g. +12065550200.") var call: String?
        @Option(help: "Pages of the test fax.") var pages: Int = 1
        @Option(help: "How the calling fax machine behaves: fax, g711, t38, drop-mid-page.") var behaviour: String = "fax"
        @Option(help: "Where the platform listens, host:port (default: telephony.sip_host and sip_port).") var to: String?
        @Option(help: "Caller ID of the test fax.") var from: String = "+15550199"

        func run() async throws {
            let env = ProcessEnvironment.start(component: "simulator", configFile: config)
            if let call {
                guard let behaviour = SimulatorTestFax.Behaviour(rawValue: behaviour) else {
                    throw ValidationError("--behaviour must be one of \(SimulatorTestFax.Behaviour.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                var host = env.configuration.telephonySIPHost
                var port = env.configuration.telephonySIPPort
                if let to {
                    guard let colon = to.lastIndex(of: ":"), let parsed = Int(to[to.index(after: colon)...]) else {
                        throw ValidationError("--to must be host:port")
                    }
                    host = String(to[..<colon])
                    port = parsed
                }
                let report = try await SimulatorService.sendTestFax(
                    SimulatorTestFax(number: call, pages: pages, behaviour: behaviour, callerID: from),
                    host: host, port: port, configuration: env.configuration, logger: env.logger)
                print("test fax to \(call): \(report.resultCode.rawValue), SIP \(report.sipStatus.map(String.init) ?? "-"), "
                      + "\(report.statistics?.pages ?? 0) page(s) sent\(report.usedT38 ? " over T.38" : " over G.711")")
                if report.resultCode != .ok { throw ExitCode(1) }
                return
            }
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
            try await SimulatorNumbers.wire(database: database, logger: env.logger)
            await database.shutdown()
        }
    }
}
