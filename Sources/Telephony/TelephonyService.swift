import Foundation
import Logging
import NIOCore
import NIOPosix
import PagewireCore
import ServiceLifecycle
import SIP
import TelephonyKit

/// The SIP endpoint of `pagewire-telephony serve` as a service: listens until shutdown.
struct TelephonyService: Service {
    let endpoint: TelephonyEndpoint
    let logger: Logger
    let registrations = TrunkRegistrations()
    let inbound = InboundHolder()

    static func start(configuration: Configuration, logger: Logger) async throws -> TelephonyService {
        let endpoint = try await TelephonyEndpoint.start(
            configuration: .init(sip: .init(host: configuration.telephonySIPHost, port: configuration.telephonySIPPort),
                                 mediaPorts: configuration.telephonyRTPPortMin...configuration.telephonyRTPPortMax,
                                 udptlRedundancy: configuration.telephonyUDPTLRedundancy),
            on: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
        logger.info("SIP listening", metadata: ["sip.host": "\(configuration.telephonySIPHost)", "sip.port": "\(endpoint.agent.port)"])
        return TelephonyService(endpoint: endpoint, logger: logger)
    }

    /// The `fax.send` handler dialling through this endpoint.
    func sendHandler(database: Database, trunks: TrunkRepository, vault: Vault, configuration: Configuration, worker: String) -> FaxSendHandler {
        FaxSendHandler(
            scheduler: FaxScheduler(database: database), trunks: trunks, documents: vault.documents,
            endpoint: endpoint, worker: worker,
            scratch: URL(fileURLWithPath: configuration.varDirectory).appendingPathComponent("telephony"),
            noAnswerTimeout: .seconds(Int64(configuration.telephonyNoAnswerSeconds)),
            lease: TimeInterval(configuration.telephonySendLeaseSeconds), maximumCalls: configuration.telephonyMaxCalls, logger: logger)
    }

    /// Answers calls to the platform's numbers from now on, after closing receptions a stopped
    /// process left open.
    func answerInbound(database: Database, trunks: TrunkRepository, vault: Vault, configuration: Configuration, worker: String) async throws {
        let handler = InboundFaxHandler(
            endpoint: endpoint, database: database, trunks: trunks, documents: vault.documents,
            settings: .init(worker: worker, scratch: URL(fileURLWithPath: configuration.varDirectory).appendingPathComponent("telephony"),
                            maximumCalls: configuration.telephonyMaxCalls),
            logger: logger)
        try await handler.closeAbandoned()
        inbound.handler = handler
        try await handler.install()
    }

    /// OPTIONS checks of trunks through this endpoint.
    func trunkHealth(trunks: TrunkRepository) -> TrunkHealth {
        TrunkHealth(endpoint: endpoint, trunks: trunks, logger: logger)
    }

    /// Registers with every active trunk that asks for it (the trunk list as it is at start-up).
    func registerTrunks(_ repository: TrunkRepository) async throws {
        let trunks = try await repository.all().filter { $0.active && $0.registerExpires != nil }
        let agent = endpoint.agent
        let logger = self.logger
        let registrations = self.registrations
        for trunk in trunks {
            guard let destination = try? SocketAddress(ipAddress: trunk.host, port: trunk.port), let user = trunk.username else {
                logger.warning("Trunk needs registration but has no IP address or username", metadata: ["trunk": "\(trunk.name)"])
                continue
            }
            try await agent.loop.submit {
                if SIPTransportKind(trunkTransport: trunk.transport) == .tcp { agent.useTCP(toward: destination) }
                let registration = SIPRegistration(
                    agent: agent, registrar: SIPURI(host: trunk.host, port: trunk.port), destination: destination, user: user,
                    credentials: SIPCredentials(username: user, password: trunk.password ?? ""), expires: trunk.registerExpires ?? 600)
                registration.onStateChange = { state in logger.info("Trunk registration", metadata: ["trunk": "\(trunk.name)", "sip.registration": "\(state)"]) }
                registration.start()
                registrations.all.append(registration)
            }.get()
        }
    }

    func run() async throws {
        try? await gracefulShutdown()
        await endpoint.close()
    }
}

/// Keeps the inbound handler alive (the SIP agent holds its delegate weakly).
final class InboundHolder: @unchecked Sendable {
    var handler: InboundFaxHandler?
}

/// Checks every active trunk with OPTIONS every `interval` until shutdown.
struct TrunkCheckService: Service {
    let health: TrunkHealth
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let health = self.health, interval = self.interval, logger = self.logger
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await health.checkAll() } catch {
                    logger.error("Trunk checks failed", metadata: ["db.error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}

/// The trunk registrations kept alive for the life of the process; touched only on the endpoint's loop.
final class TrunkRegistrations: @unchecked Sendable {
    var all: [SIPRegistration] = []
}

/// `pagewire-telephony simulate`: the carrier simulator until shutdown.
struct SimulatorService: Service {
    let simulator: CarrierSimulator

    static func start(configuration: Configuration, logger: Logger) async throws -> SimulatorService {
        let endpoint = try await TelephonyEndpoint.start(
            configuration: .init(sip: .init(host: configuration.simulatorSIPHost, port: configuration.simulatorSIPPort,
                                            contactUser: "simulator", product: "Pagewire carrier simulator"),
                                 mediaPorts: configuration.simulatorRTPPortMin...configuration.simulatorRTPPortMax,
                                 udptlRedundancy: configuration.telephonyUDPTLRedundancy),
            on: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
        let spool = URL(fileURLWithPath: configuration.simulatorSpool)
        let simulator = try await CarrierSimulator.start(endpoint: endpoint, spool: spool, logger: logger)
        logger.info("Carrier simulator listening", metadata: ["sip.host": "\(configuration.simulatorSIPHost)", "sip.port": "\(endpoint.agent.port)"])
        return SimulatorService(simulator: simulator)
    }

    func run() async throws {
        try? await gracefulShutdown()
        await simulator.endpoint.close()
    }

    /// `simulate --call`: one test fax from a fresh endpoint (any free SIP port, the simulator's
    /// media range) toward the platform.
    static func sendTestFax(_ fax: SimulatorTestFax, host: String, port: Int, configuration: Configuration, logger: Logger) async throws -> FaxCallReport {
        let endpoint = try await TelephonyEndpoint.start(
            configuration: .init(sip: .init(host: configuration.simulatorSIPHost, port: 0, contactUser: "simulator", product: "Pagewire carrier simulator"),
                                 mediaPorts: configuration.simulatorRTPPortMin...configuration.simulatorRTPPortMax,
                                 udptlRedundancy: configuration.telephonyUDPTLRedundancy),
            on: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
        let report = try await endpoint.sendTestFax(fax, host: host, port: port,
                                                    scratch: URL(fileURLWithPath: configuration.simulatorSpool).appendingPathComponent("outgoing"))
        await endpoint.close()
        return report
    }
}
