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
    func sendHandler(database: Database, vault: Vault, configuration: Configuration, worker: String) -> FaxSendHandler {
        FaxSendHandler(
            scheduler: FaxScheduler(database: database), trunks: TrunkRepository(database: database), documents: vault.documents,
            endpoint: endpoint, worker: worker,
            scratch: URL(fileURLWithPath: configuration.varDirectory).appendingPathComponent("telephony"),
            noAnswerTimeout: .seconds(Int64(configuration.telephonyNoAnswerSeconds)),
            lease: TimeInterval(configuration.telephonySendLeaseSeconds), logger: logger)
    }

    /// Registers with every active trunk that asks for it (the trunk list as it is at start-up).
    func registerTrunks(database: Database) async throws {
        let trunks = try await TrunkRepository(database: database).all().filter { $0.active && $0.registerExpires != nil }
        let agent = endpoint.agent
        let logger = self.logger
        let registrations = self.registrations
        for trunk in trunks {
            guard let destination = try? SocketAddress(ipAddress: trunk.host, port: trunk.port), let user = trunk.username else {
                logger.warning("Trunk needs registration but has no IP address or username", metadata: ["trunk": "\(trunk.name)"])
                continue
            }
            try await agent.loop.submit {
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
        let simulator = try CarrierSimulator(endpoint: endpoint, spool: spool, logger: logger)
        logger.info("Carrier simulator listening", metadata: ["sip.host": "\(configuration.simulatorSIPHost)", "sip.port": "\(endpoint.agent.port)"])
        return SimulatorService(simulator: simulator)
    }

    func run() async throws {
        try? await gracefulShutdown()
        await simulator.endpoint.close()
    }
}
