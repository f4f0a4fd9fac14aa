import FaxEngine
import Foundation
import Logging
import NIOCore
import PagewireCore
import SIP

/// The telephone network on loopback: answers calls to `+1 555 01xx` with the behaviour of
/// each number (`SimulatorBehaviour`) using the same SIP, media and fax engine code as the
/// platform, and keeps what it received in `spool`.
public final class CarrierSimulator: SIPUserAgentDelegate, @unchecked Sendable {
    /// One finished call.
    public struct Record: Sendable {
        /// The number called.
        public var number: String
        /// Its behaviour (nil for numbers outside the plan).
        public var behaviour: SimulatorBehaviour?
        /// How the call ended on the simulator's side.
        public var report: FaxCallReport
        /// The received fax (may hold a partial fax).
        public var receivedFile: URL?
    }

    /// The endpoint the simulator answers on.
    public let endpoint: TelephonyEndpoint
    /// Where received faxes go.
    public let spool: URL
    private let logger: Logger
    private let records = NSLock()
    private var finished: [Record] = []
    private var waiters: [CheckedContinuation<Record, Never>] = []

    private init(endpoint: TelephonyEndpoint, spool: URL, logger: Logger) throws {
        self.endpoint = endpoint
        self.spool = spool
        self.logger = logger
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
    }

    /// Creates a simulator on a started endpoint and returns once it is its agent's delegate:
    /// an INVITE that arrives after this returns is answered by the simulator, never refused
    /// with the 480 an agent without a delegate gives.
    public static func start(endpoint: TelephonyEndpoint, spool: URL, logger: Logger) async throws -> CarrierSimulator {
        let simulator = try CarrierSimulator(endpoint: endpoint, spool: spool, logger: logger)
        let agent = endpoint.agent
        let box = UncheckedBox(simulator)
        try await endpoint.loop.submit { agent.delegate = box.value }.get()
        return simulator
    }

    /// The SIP port the simulator listens on.
    public var port: Int { endpoint.agent.port }

    /// Waits for the next finished call.
    public func nextRecord() async -> Record {
        await withCheckedContinuation { continuation in
            records.lock()
            if !finished.isEmpty {
                let record = finished.removeFirst()
                records.unlock()
                continuation.resume(returning: record)
            } else {
                waiters.append(continuation)
                records.unlock()
            }
        }
    }

    private func finish(_ record: Record) {
        records.lock()
        if waiters.isEmpty {
            // Kept for whoever asks next (tests); a long-running simulator keeps only the latest.
            if finished.count >= 1_000 { finished.removeFirst() }
            finished.append(record)
            records.unlock()
        } else {
            let waiter = waiters.removeFirst()
            records.unlock()
            waiter.resume(returning: record)
        }
    }

    /// Answers, rings or refuses by the called number's behaviour.
    public func userAgent(_ agent: SIPUserAgent, incoming invite: SIPIncomingInvite) {
        let number = invite.calledUser ?? ""
        guard let behaviour = SimulatorBehaviour(number: number) else {
            invite.reject(404)
            finish(Record(number: number, behaviour: nil, report: FaxCallReport(resultCode: .invalidNumber, sipStatus: 404)))
            return
        }
        logger.info("Simulator call", metadata: ["sim.number": "\(number)", "sim.behaviour": "\(behaviour)"])
        if let status = behaviour.rejection {
            invite.reject(status)
            finish(Record(number: number, behaviour: behaviour, report: FaxCallReport(resultCode: SIPFailureMapping.resultCode(forStatus: status), sipStatus: status)))
            return
        }
        if behaviour == .noAnswer {
            invite.ring()
            invite.onCancel = { [self] in
                finish(Record(number: number, behaviour: behaviour, report: FaxCallReport(resultCode: .noAnswer, sipStatus: 487)))
            }
            return
        }
        let file = spool.appendingPathComponent("\(UUID().uuidString.prefix(12)).tif")
        var options = InboundFaxOptions(receiveInto: file, localIdentifier: behaviour.number, ringTime: .milliseconds(100))
        switch behaviour {
        case .faxRefusingT38:
            options.t38 = .never
        case .faxT38Requesting:
            options.t38 = T38Policy(accept: true, request: true)
        case .faxT38SessionRefresh:
            options.t38 = T38Policy(accept: true, request: true)
            options.sessionRefresh = .seconds(4)
        case .voice:
            options.t38 = .never
            options.answerAsVoice = true
            options.maximumDuration = .seconds(20)
        case .faxNoECM:
            options.ecm = false
        case .dropMidPage:
            options.t38 = .never
            options.dropAfter = .seconds(12)
        default:
            break
        }
        endpoint.answerFax(invite, options: options) { [self] report in
            finish(Record(number: number, behaviour: behaviour, report: report, receivedFile: file))
        }
    }
}
