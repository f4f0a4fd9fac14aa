import NIOCore
import SIP

/// An RFC 3261 §17.1 client transaction over UDP: retransmits its request (timers A/E),
/// gives up after 64·T1 (B/F), acknowledges non-2xx final answers to an INVITE itself, and
/// absorbs retransmitted responses.
/// Confined to its agent's event loop.
final class SIPClientTransaction: @unchecked Sendable {
    enum State { case calling, proceeding, completed, terminated }

    let request: SIPMessage
    let destination: SocketAddress
    let key: String
    private(set) var state: State = .calling
    /// Every provisional response and the first final response.
    var onResponse: (SIPMessage) -> Void
    /// Timer B/F fired without a final response.
    var onTimeout: () -> Void
    /// The ACK the dialog sent for a 2xx, re-sent when the 2xx is retransmitted.
    var ackFor2xx: (SIPMessage, SocketAddress)?

    private unowned let agent: SIPUserAgent
    private var interval: TimeAmount
    private var retransmitTimer: Scheduled<Void>?
    private var timeoutTimer: Scheduled<Void>?
    private var isInvite: Bool { request.method == .invite }

    init(agent: SIPUserAgent, request: SIPMessage, destination: SocketAddress,
         onResponse: @escaping (SIPMessage) -> Void, onTimeout: @escaping () -> Void) {
        self.agent = agent
        self.request = request
        self.destination = destination
        self.key = SIPClientTransaction.key(branch: request.topVia?.branch ?? "", method: request.method ?? .invite)
        self.onResponse = onResponse
        self.onTimeout = onTimeout
        self.interval = agent.configuration.timers.t1
    }

    static func key(branch: String, method: SIPMethod) -> String {
        "\(branch)|\(method == .ack ? SIPMethod.invite : method)"
    }

    func start() {
        agent.send(request, to: destination)
        scheduleRetransmit()
        let timeout = agent.configuration.timers.transactionTimeout
        timeoutTimer = agent.loop.scheduleTask(in: timeout) { [self] in
            agent.loop.preconditionInEventLoop()
            guard state == .calling || state == .proceeding else { return }
            terminate()
            onTimeout()
        }
    }

    private func scheduleRetransmit() {
        // A reliable transport retransmits for us (RFC 3261 §17.1.1.2: timer A only over UDP).
        guard !agent.streamPeers.contains(destination) else { return }
        retransmitTimer = agent.loop.scheduleTask(in: interval) { [self] in
            guard state == .calling || (state == .proceeding && !isInvite) else { return }
            agent.send(request, to: destination)
            let t2 = agent.configuration.timers.t2
            interval = isInvite ? interval * 2 : (state == .proceeding ? t2 : min(interval * 2, t2))
            scheduleRetransmit()
        }
    }

    func receive(_ response: SIPMessage) {
        guard let status = response.status else { return }
        switch state {
        case .calling, .proceeding:
            if status < 200 {
                state = .proceeding
                if isInvite { retransmitTimer?.cancel() }
                onResponse(response)
                return
            }
            retransmitTimer?.cancel()
            timeoutTimer?.cancel()
            if isInvite && status >= 300 { agent.send(ack(for: response), to: destination) }
            state = .completed
            // Keep absorbing retransmitted finals (timer D / K, and RFC 6026's Accepted state for a 2xx).
            let linger = isInvite ? agent.configuration.timers.transactionTimeout : agent.configuration.timers.t4
            agent.loop.scheduleTask(in: linger) { [self] in terminate() }
            onResponse(response)
        case .completed:
            if isInvite && status >= 300 { agent.send(ack(for: response), to: destination) }
            if isInvite && (200..<300).contains(status), let (ack, to) = ackFor2xx { agent.send(ack, to: to) }
        case .terminated:
            break
        }
    }

    /// Stops every timer and leaves the transaction table.
    func terminate() {
        guard state != .terminated else { return }
        state = .terminated
        retransmitTimer?.cancel()
        timeoutTimer?.cancel()
        agent.removeClientTransaction(key)
    }

    /// The ACK for a non-2xx final response (RFC 3261 §17.1.1.3): same branch, the response's To.
    private func ack(for response: SIPMessage) -> SIPMessage {
        var headers = SIPHeaders()
        if let via = request.headers.values("Via").first { headers.add("Via", via) }
        for name in ["Route", "From", "Call-ID", "Max-Forwards"] { if let value = request.headers[name] { headers.add(name, value) } }
        headers.add("To", response.headers["To"] ?? request.headers["To"] ?? "")
        headers.add("CSeq", SIPCSeq(request.cseq?.number ?? 1, .ack).description)
        return .request(.ack, request.requestURI!, headers: headers)
    }
}
