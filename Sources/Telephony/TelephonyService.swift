import Foundation
import Logging
import NIOCore
import NIOPosix
import PagewireCore
import ServiceLifecycle
import TelephonyKit

/// The SIP endpoint of `pagewire-telephony serve` as a service: listens until shutdown.
struct TelephonyService: Service {
    let endpoint: TelephonyEndpoint
    let logger: Logger

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
            noAnswerTimeout: .seconds(Int64(configuration.telephonyNoAnswerSeconds)), logger: logger)
    }

    func run() async throws {
        try? await gracefulShutdown()
        await endpoint.close()
    }
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
