import NIOCore
import SIP

/// An RFC 3261 §17.2 server transaction over UDP: answers retransmitted requests with the
/// last response, retransmits a non-2xx final answer to an INVITE until the ACK (timers G/H),
/// and lingers to absorb retransmissions (timers I/J).
/// Confined to its agent's event loop.
final class SIPServerTransaction: @unchecked Sendable {
    enum State { case proceeding, completed, confirmed, terminated }

    let request: SIPMessage
    let source: SocketAddress
    let key: String
    private(set) var state: State = .proceeding
    private(set) var lastResponse: SIPMessage?
    /// Called when an ACK arrives for a non-2xx final response.
    var onACK: (() -> Void)?

    private unowned let agent: SIPUserAgent
    private var interval: TimeAmount
    private var retransmitTimer: Scheduled<Void>?
    private var isInvite: Bool { request.method == .invite }

    init(agent: SIPUserAgent, request: SIPMessage, source: SocketAddress) {
        self.agent = agent
        self.request = request
        self.source = source
        self.key = SIPServerTransaction.key(for: request)
        self.interval = agent.configuration.timers.t1
    }

    /// Branch, sent-by and method (ACK matches its INVITE) identify a server transaction.
    static func key(for request: SIPMessage) -> String {
        let via = request.topVia
        let method = request.method == .ack ? SIPMethod.invite : (request.method ?? .invite)
        return "\(via?.branch ?? "")|\(via?.host ?? ""):\(via?.port ?? 5060)|\(method)"
    }

    /// Sends a response; a final one moves the transaction on.
    func respond(_ response: SIPMessage) {
        guard state == .proceeding, let status = response.status else { return }
        lastResponse = response
        agent.send(response, to: source)
        guard status >= 200 else { return }
        state = .completed
        let timeout = agent.configuration.timers.transactionTimeout
        if isInvite && status >= 300 {
            scheduleRetransmit()
            agent.loop.scheduleTask(in: timeout) { [self] in terminate() }
        } else {
            // 2xx to INVITE: the dialog retransmits it; here only retransmitted INVITEs are answered.
            agent.loop.scheduleTask(in: isInvite ? timeout : timeout) { [self] in terminate() }
        }
    }

    private func scheduleRetransmit() {
        retransmitTimer = agent.loop.scheduleTask(in: interval) { [self] in
            guard state == .completed, let lastResponse else { return }
            agent.send(lastResponse, to: source)
            interval = min(interval * 2, agent.configuration.timers.t2)
            scheduleRetransmit()
        }
    }

    /// A retransmitted request, or the ACK of a non-2xx final response.
    func receiveAgain(_ request: SIPMessage) {
        if request.method == .ack {
            guard state == .completed else { return }
            state = .confirmed
            retransmitTimer?.cancel()
            onACK?()
            agent.loop.scheduleTask(in: agent.configuration.timers.t4) { [self] in terminate() }
            return
        }
        if let lastResponse { agent.send(lastResponse, to: source) }
    }

    func terminate() {
        guard state != .terminated else { return }
        state = .terminated
        retransmitTimer?.cancel()
        agent.removeServerTransaction(key)
    }
}
