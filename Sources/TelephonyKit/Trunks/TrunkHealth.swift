import Foundation
import Logging
import NIOCore
import PagewireCore
import SIP

/// Checks trunks with SIP OPTIONS and records the result (`TrunkRepository.recordCheck`):
/// periodically for every active trunk, and on demand through the `trunk.check` work kind.
public struct TrunkHealth: Sendable {
    /// The endpoint whose agent sends the OPTIONS.
    public let endpoint: TelephonyEndpoint
    let trunks: TrunkRepository
    /// How long to wait for an answer before recording "no answer".
    public let timeout: TimeAmount
    let logger: Logger

    /// Creates a checker.
    public init(endpoint: TelephonyEndpoint, trunks: TrunkRepository, timeout: TimeAmount = .seconds(5), logger: Logger) {
        self.endpoint = endpoint
        self.trunks = trunks
        self.timeout = timeout
        self.logger = logger
    }

    /// Sends one OPTIONS to `trunk` and returns what came back (nothing is stored).
    public func ping(_ trunk: Trunk) async -> TrunkCheck {
        guard let destination = try? SocketAddress(ipAddress: trunk.host, port: trunk.port) else {
            return TrunkCheck(at: Date(), sipStatus: nil, roundTripMilliseconds: nil, detail: "host \(trunk.host) is not an IP address")
        }
        let agent = endpoint.agent
        let loop = endpoint.loop
        let timeout = self.timeout
        let seconds = timeout.nanoseconds / 1_000_000_000
        let started = NIODeadline.now()
        let status: Int?? = await withCheckedContinuation { (continuation: CheckedContinuation<Int??, Never>) in
            loop.execute {
                if SIPTransportKind(trunkTransport: trunk.transport) == .tcp { agent.useTCP(toward: destination) }
                // Whichever comes first, the answer or the timeout, resumes (both run on the loop).
                let done = UncheckedBox(LoopFlag())
                let timer = loop.scheduleTask(in: timeout) {
                    guard !done.value.isSet else { return }
                    done.value.isSet = true
                    continuation.resume(returning: .some(nil))
                }
                agent.ping(SIPURI(host: trunk.host, port: trunk.port), via: destination) { status in
                    guard !done.value.isSet else { return }
                    done.value.isSet = true
                    timer.cancel()
                    continuation.resume(returning: .some(status))
                }
            }
        }
        let elapsed = Int((NIODeadline.now() - started).nanoseconds / 1_000_000)
        guard let answered = status ?? nil else {
            return TrunkCheck(at: Date(), sipStatus: nil, roundTripMilliseconds: nil, detail: "no answer within \(seconds) s")
        }
        return TrunkCheck(at: Date(), sipStatus: answered, roundTripMilliseconds: elapsed, detail: "answered \(answered) in \(elapsed) ms")
    }

    /// Checks `trunk` and stores the result.
    @discardableResult
    public func check(_ trunk: Trunk) async throws -> TrunkCheck {
        let result = await ping(trunk)
        try await trunks.recordCheck(result, trunkID: trunk.id)
        if !result.isUp {
            logger.warning("Trunk check failed", metadata: ["trunk": "\(trunk.name)", "trunk.check": "\(result.detail)"])
        }
        return result
    }

    /// Checks every active trunk at once and stores the results.
    public func checkAll() async throws {
        let active = try await trunks.all().filter(\.active)
        await withTaskGroup(of: Void.self) { group in
            for trunk in active {
                group.addTask {
                    do { try await check(trunk) } catch {
                        logger.error("Trunk check could not be stored", metadata: ["trunk": "\(trunk.name)", "db.error": "\(error)"])
                    }
                }
            }
        }
    }
}

/// A flag touched only on one event loop.
final class LoopFlag {
    var isSet = false
}

/// Runs `trunk.check` work (the admin's "test trunk" button): one OPTIONS to the trunk named in
/// the payload (`{"trunk_id": N}`), result stored with the trunk.
public struct TrunkCheckHandler: WorkHandler {
    /// `trunk.check`.
    public let kind = TrunkCheck.workKind
    let health: TrunkHealth

    /// Creates the handler.
    public init(health: TrunkHealth) { self.health = health }

    struct Payload: Decodable {
        let trunk_id: Int64
    }

    /// Checks the trunk; a trunk deleted since the request is ignored.
    public func handle(_ item: WorkItem) async throws {
        guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(item.payload.utf8)) else {
            health.logger.error("trunk.check without a trunk id", metadata: ["work.id": "\(item.id)"])
            return
        }
        guard let trunk = try await health.trunks.all().first(where: { $0.id == payload.trunk_id }) else { return }
        try await health.check(trunk)
    }
}
