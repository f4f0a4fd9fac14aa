import Logging
import NIOCore
import NIOPosix
import SIP

/// Receives new calls; called on the agent's event loop.
public protocol SIPUserAgentDelegate: AnyObject {
    /// A new INVITE arrived (100 Trying is already sent). Answer, ring, or reject through `invite`.
    func userAgent(_ agent: SIPUserAgent, incoming invite: SIPIncomingInvite)
}

/// A SIP user agent over UDP on one event loop (RFC 3261): transactions with their timers,
/// dialogs, INVITE/ACK/BYE/CANCEL both ways, OPTIONS answered, 501 for methods it lacks.
///
/// All state is confined to `loop`; public methods must be called there (`loop.execute`).
public final class SIPUserAgent: @unchecked Sendable {
    /// The loop every call of this agent runs on.
    public let loop: any EventLoop
    /// Listening and timer settings.
    public let configuration: SIPUserAgentConfiguration
    /// Receives new incoming calls.
    public weak var delegate: SIPUserAgentDelegate?
    let logger: Logger

    private var channel: (any Channel)?
    private var clientTransactions: [String: SIPClientTransaction] = [:]
    private var serverTransactions: [String: SIPServerTransaction] = [:]
    private var dialogs: [String: SIPDialog] = [:]
    /// Pending incoming INVITEs by server transaction key (for CANCEL).
    var pendingInvites: [String: SIPIncomingInvite] = [:]
    private var floodGuard: SIPFloodGuard
    /// Datagrams dropped as unparsable.
    public private(set) var malformedCount = 0
    /// Datagrams dropped by the flood guard.
    public var floodDroppedCount: Int { floodGuard.dropped }

    /// The port actually bound.
    public private(set) var port: Int = 0

    // SIP over TCP (SIPUserAgent+TCP.swift): peers reached over TCP, their connections (ours and
    // accepted ones, keyed by the far end's address), and messages waiting for a connect.
    var streamPeers: Set<SocketAddress> = []
    var streamChannels: [SocketAddress: any Channel] = [:]
    var streamPending: [SocketAddress: [SIPMessage]] = [:]
    var streamListener: (any Channel)?
    /// SIP messages received over TCP.
    public internal(set) var streamMessagesReceived = 0
    /// TCP connections this agent opened (a reused connection counts once).
    public internal(set) var streamConnectionsOpened = 0

    private init(loop: any EventLoop, configuration: SIPUserAgentConfiguration, logger: Logger) {
        self.loop = loop
        self.configuration = configuration
        self.logger = logger
        self.floodGuard = SIPFloodGuard(limitPerSecond: configuration.floodLimitPerSecond)
    }

    /// Binds the UDP socket and returns the running agent.
    ///
    /// The socket has no `SO_REUSEADDR`: UDP has no TIME_WAIT to wait out, and on Linux two
    /// sockets that both set it may share a port, even one the kernel picked for port 0, so
    /// requests for one agent reached another (seen as 408s between tests in parallel).
    public static func start(configuration: SIPUserAgentConfiguration, on loop: any EventLoop, logger: Logger) async throws -> SIPUserAgent {
        let agent = SIPUserAgent(loop: loop, configuration: configuration, logger: logger)
        let channel = try await DatagramBootstrap(group: loop)
            // The loop also runs every call's 20 ms media tick. Read what is waiting in one go
            // (NIO reads 4 datagrams per wake-up by default: with hundreds of calls setting up,
            // a tick between every 4 messages held re-INVITEs back for seconds), and keep a
            // burst of set-ups in the kernel rather than dropping it while a tick runs.
            .channelOption(.maxMessagesPerRead, value: 64)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            // A datagram is read whole, up to the largest UDP payload: NIO's default 2,048-byte
            // buffer cut longer messages (an INVITE with many headers or a large SDP) silently.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_507))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(SIPTransport(agent: agent)) }
            }
            .bind(host: configuration.host, port: configuration.port).get()
        try await loop.submit {
            agent.channel = channel
            agent.port = channel.localAddress?.port ?? configuration.port
        }.get()
        if configuration.listenTCP { await agent.listenTCP() }
        return agent
    }

    /// Closes the socket; pending transactions are dropped.
    public func close() async {
        let channels = try? await loop.submit { [self.channel, self.streamListener] + self.streamChannels.values.map { Optional($0) } }.get()
        for channel in channels ?? [] { try? await channel?.close() }
    }

    /// Our Contact address.
    var contact: SIPNameAddress {
        SIPNameAddress(uri: SIPURI(user: configuration.contactUser, host: configuration.host, port: port))
    }

    /// Our Contact for messages toward `destination`: with `;transport=tcp` when that peer is
    /// reached over TCP, so its requests in the dialog come over TCP too.
    func contact(toward destination: SocketAddress?) -> SIPNameAddress {
        guard let destination, streamPeers.contains(destination) else { return contact }
        var address = contact
        address.uri.parameters = SIPParameters([("transport", "tcp")])
        return address
    }

    /// A Via for a new request from us toward `destination` (TCP when that peer is reached over TCP).
    func newVia(toward destination: SocketAddress? = nil) -> SIPVia {
        let transport = destination.map { streamPeers.contains($0) } == true ? "TCP" : "UDP"
        return SIPVia(transport: transport, host: configuration.host, port: port, branch: SIPIdentifiers.branch())
    }

    /// The socket address for a URI's host and port (IP literals only: trunks are configured by address).
    /// A `;transport=tcp` URI makes that address a TCP peer.
    func resolve(_ uri: SIPURI) -> SocketAddress? {
        guard let address = try? SocketAddress(ipAddress: uri.host, port: uri.effectivePort) else { return nil }
        if uri.parameters["transport"]?.lowercased() == "tcp" { streamPeers.insert(address) }
        return address
    }

    // MARK: Sending

    func send(_ message: SIPMessage, to destination: SocketAddress) {
        if streamPeers.contains(destination) {
            sendStream(message, to: destination)
            return
        }
        guard let channel else { return }
        let bytes = message.bytes
        guard bytes.count <= SIPMessage.maximumSize else {
            logger.error("SIP message too large to send", metadata: ["sip.size": "\(bytes.count)"])
            return
        }
        let buffer = channel.allocator.buffer(bytes: bytes)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: buffer), promise: nil)
    }

    func startClientTransaction(_ request: SIPMessage, to destination: SocketAddress,
                                onResponse: @escaping (SIPMessage) -> Void, onTimeout: @escaping () -> Void) {
        let transaction = SIPClientTransaction(agent: self, request: request, destination: destination, onResponse: onResponse, onTimeout: onTimeout)
        clientTransactions[transaction.key] = transaction
        transaction.start()
    }

    func clientTransaction(for request: SIPMessage) -> SIPClientTransaction? {
        guard let branch = request.topVia?.branch, let method = request.method else { return nil }
        return clientTransactions[SIPClientTransaction.key(branch: branch, method: method)]
    }

    func removeClientTransaction(_ key: String) { clientTransactions[key] = nil }
    func removeServerTransaction(_ key: String) { serverTransactions[key] = nil }
    func addDialog(_ dialog: SIPDialog) { dialogs[dialog.key] = dialog }
    func removeDialog(_ dialog: SIPDialog) { dialogs[dialog.key] = nil }

    /// Number of live dialogs (for tests and metrics).
    public var dialogCount: Int { dialogs.count }

    // MARK: Receiving

    func receive(bytes: [UInt8], from source: SocketAddress, overStream: Bool = false) {
        if overStream {
            // Answers and requests toward this peer go back over TCP.
            streamPeers.insert(source)
            streamMessagesReceived += 1
        }
        let now = NIODeadline.now().uptimeNanoseconds
        guard floodGuard.admit(source: source.ipAddress ?? "?", nowNanoseconds: Int64(truncatingIfNeeded: now)) else { return }
        if bytes.allSatisfy({ $0 == 13 || $0 == 10 }) { return }  // keep-alive
        let message: SIPMessage
        do {
            message = try SIPMessage(parsing: bytes)
        } catch {
            malformedCount += 1
            logger.debug("Malformed SIP datagram dropped", metadata: ["sip.source": "\(source)", "sip.error": "\(error)"])
            return
        }
        if message.isRequest {
            receiveRequest(message, from: source)
        } else {
            receiveResponse(message)
        }
    }

    private func receiveResponse(_ response: SIPMessage) {
        guard let branch = response.topVia?.branch, let method = response.cseq?.method else { return }
        guard let transaction = clientTransactions[SIPClientTransaction.key(branch: branch, method: method)] else {
            logger.debug("Stray SIP response dropped", metadata: ["sip.call_id": "\(response.callID ?? "")"])
            return
        }
        transaction.receive(response)
    }

    private func receiveRequest(_ request: SIPMessage, from source: SocketAddress) {
        guard let method = request.method else { return }
        let key = SIPServerTransaction.key(for: request)
        if let existing = serverTransactions[key] {
            // A retransmission, or the ACK of a non-2xx final response (the ACK of a 2xx has its own branch).
            let finalStatus = existing.lastResponse?.status ?? 0
            if method != .ack || finalStatus >= 300 {
                existing.receiveAgain(request)
                return
            }
        }
        if method == .ack {
            receiveACK(request)
            return
        }
        let transaction = SIPServerTransaction(agent: self, request: request, source: source)
        serverTransactions[key] = transaction
        if method == .cancel {
            receiveCANCEL(request, transaction: transaction)
        } else if let toTag = request.to?.tag {
            receiveInDialog(request, transaction: transaction, toTag: toTag)
        } else {
            receiveOutOfDialog(request, method: method, transaction: transaction, source: source)
        }
    }

    private func receiveOutOfDialog(_ request: SIPMessage, method: SIPMethod, transaction: SIPServerTransaction, source: SocketAddress) {
        if method == .invite {
            receiveNewINVITE(request, transaction: transaction, source: source)
            return
        }
        if method == .bye {
            transaction.respond(request.response(481))
            return
        }
        let status = method == .options ? 200 : (SIPMethod.implemented.contains(method) ? 405 : 501)
        var response = request.response(status, toTag: SIPIdentifiers.tag())
        addCapabilities(to: &response)
        transaction.respond(response)
    }

    /// Allow, Accept and Server headers.
    func addCapabilities(to response: inout SIPMessage) {
        response.headers.add("Allow", SIPMethod.implemented.map(\.rawValue).joined(separator: ", "))
        response.headers.add("Accept", "application/sdp")
        response.headers.add("Server", configuration.product)
    }

    private func receiveACK(_ request: SIPMessage) {
        guard let callID = request.callID, let fromTag = request.from?.tag, let toTag = request.to?.tag,
              let dialog = dialogs[SIPDialog.key(callID: callID, localTag: toTag, remoteTag: fromTag)] else { return }
        if let pending = dialog.pending2xx, pending.response.cseq?.number == request.cseq?.number {
            pending.timer?.cancel()
            dialog.pending2xx = nil
        }
    }

    private func receiveCANCEL(_ request: SIPMessage, transaction: SIPServerTransaction) {
        var inviteRequest = request
        inviteRequest.startLine = .request(method: .invite, uri: request.requestURI!)
        let inviteKey = SIPServerTransaction.key(for: inviteRequest)
        guard let invite = pendingInvites[inviteKey] else {
            transaction.respond(request.response(481))
            return
        }
        transaction.respond(request.response(200, toTag: invite.localTag))
        invite.cancelledByRemote()
    }

    private func receiveInDialog(_ request: SIPMessage, transaction: SIPServerTransaction, toTag: String) {
        guard let callID = request.callID, let fromTag = request.from?.tag,
              let dialog = dialogs[SIPDialog.key(callID: callID, localTag: toTag, remoteTag: fromTag)] else {
            transaction.respond(request.response(481))
            return
        }
        let cseq = request.cseq?.number ?? 0
        if let last = dialog.remoteCSeq, cseq <= last {
            transaction.respond(request.response(500, reason: "CSeq Out of Order"))
            return
        }
        dialog.remoteCSeq = cseq
        switch request.method {
        case .bye:
            transaction.respond(request.response(200))
            dialog.terminateByRemote()
        case .invite:
            receiveReINVITE(request, dialog: dialog, transaction: transaction)
        case .options, .update, .info:
            var response = request.response(200)
            addCapabilities(to: &response)
            transaction.respond(response)
        default:
            transaction.respond(request.response(501))
        }
    }

    private func receiveReINVITE(_ request: SIPMessage, dialog: SIPDialog, transaction: SIPServerTransaction) {
        if dialog.reinviteInProgress || dialog.pending2xx != nil {
            transaction.respond(request.response(491))
            return
        }
        var offer: SDPSession?
        if !request.body.isEmpty {
            guard let parsed = try? SDPSession(parsing: request.body) else {
                transaction.respond(request.response(400, reason: "Bad SDP"))
                return
            }
            offer = parsed
        }
        if let target = request.contact?.uri { dialog.remoteTarget = target }
        let decision = dialog.handler?.dialog(dialog, reinviteWith: offer) ?? .failure(SIPResponseStatus(488))
        switch decision {
        case .failure(let status):
            transaction.respond(request.response(status.code))
        case .success(let answer):
            var response = request.response(200)
            response.headers.add("Contact", contact(toward: transaction.source).description)
            response.headers.add("Content-Type", "application/sdp")
            addCapabilities(to: &response)
            response.body = answer.bytes
            transaction.respond(response)
            retransmit2xx(response, to: transaction.source, dialog: dialog)
        }
    }

    /// Retransmits a 2xx to an INVITE until its ACK (RFC 3261 §13.3.1.4); without one after 64·T1, BYE.
    func retransmit2xx(_ response: SIPMessage, to destination: SocketAddress, dialog: SIPDialog) {
        let pending = SIPPending2xx(response: response, destination: destination, interval: configuration.timers.t1)
        dialog.pending2xx = pending
        schedule2xxRetransmission(pending, dialog: dialog)
    }

    private func schedule2xxRetransmission(_ pending: SIPPending2xx, dialog: SIPDialog) {
        pending.timer = loop.scheduleTask(in: pending.interval) { [self] in
            guard dialog.pending2xx === pending else { return }
            pending.elapsed = pending.elapsed + pending.interval
            if pending.elapsed >= configuration.timers.transactionTimeout {
                dialog.pending2xx = nil
                logger.warning("No ACK for 2xx; ending the call", metadata: ["sip.call_id": "\(dialog.callID)"])
                dialog.bye()
                return
            }
            send(pending.response, to: pending.destination)
            pending.interval = min(pending.interval * 2, configuration.timers.t2)
            schedule2xxRetransmission(pending, dialog: dialog)
        }
    }
}

/// A 2xx to an INVITE being retransmitted until the ACK; confined to the agent's loop.
final class SIPPending2xx: @unchecked Sendable {
    let response: SIPMessage
    let destination: SocketAddress
    var interval: TimeAmount
    var elapsed = TimeAmount.zero
    var timer: Scheduled<Void>?

    init(response: SIPMessage, destination: SocketAddress, interval: TimeAmount) {
        self.response = response
        self.destination = destination
        self.interval = interval
    }
}
