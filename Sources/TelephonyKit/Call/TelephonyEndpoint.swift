import FaxEngine
import Foundation
import Logging
import NIOCore
import PagewireCore
import SIP
import Synchronization

/// Settings of one telephony endpoint (a SIP agent with its media) on one event loop.
public struct TelephonyEndpointConfiguration: Sendable {
    /// SIP listening and timers.
    public var sip: SIPUserAgentConfiguration
    /// The address media binds to and SDP announces.
    public var mediaHost: String
    /// UDP ports for RTP and UDPTL.
    public var mediaPorts: ClosedRange<Int>
    /// UDPTL redundancy depth (FreeSWITCH uses 3).
    public var udptlRedundancy: Int

    /// Creates a configuration.
    public init(sip: SIPUserAgentConfiguration, mediaHost: String? = nil, mediaPorts: ClosedRange<Int>, udptlRedundancy: Int = 3) {
        self.sip = sip
        self.mediaHost = mediaHost ?? sip.host
        self.mediaPorts = mediaPorts
        self.udptlRedundancy = udptlRedundancy
    }
}

/// A SIP user agent, its media clock and port range on one event loop: places and answers fax calls.
public final class TelephonyEndpoint: @unchecked Sendable {
    /// The SIP agent.
    public let agent: SIPUserAgent
    /// The 20 ms clock for every call of this endpoint.
    public let clock: MediaClock
    /// Media ports.
    public let ports: MediaPortAllocator
    /// Settings.
    public let configuration: TelephonyEndpointConfiguration
    let logger: Logger
    private let calls = Mutex(0)

    /// Calls in progress on this endpoint, both directions (outgoing from `sendFax`, incoming
    /// while reserved with `reserveCall`).
    public var activeCalls: Int { calls.withLock { $0 } }

    /// Takes a call slot unless `limit` calls are in progress already; `releaseCall` gives it back.
    public func reserveCall(limit: Int) -> Bool {
        calls.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    /// Gives back a slot taken by `reserveCall`.
    public func releaseCall() { calls.withLock { $0 = max(0, $0 - 1) } }

    /// The loop everything runs on.
    public var loop: any EventLoop { agent.loop }

    private init(agent: SIPUserAgent, configuration: TelephonyEndpointConfiguration, logger: Logger) {
        self.agent = agent
        self.clock = MediaClock(loop: agent.loop)
        self.ports = MediaPortAllocator(host: configuration.mediaHost, range: configuration.mediaPorts)
        self.configuration = configuration
        self.logger = logger
    }

    /// Binds the SIP socket.
    public static func start(configuration: TelephonyEndpointConfiguration, on loop: any EventLoop, logger: Logger) async throws -> TelephonyEndpoint {
        let agent = try await SIPUserAgent.start(configuration: configuration.sip, on: loop, logger: logger)
        return TelephonyEndpoint(agent: agent, configuration: configuration, logger: logger)
    }

    /// Closes the SIP socket.
    public func close() async { await agent.close() }

    // MARK: Outbound

    /// Places one fax call and sends `request.document`; returns when the call is over.
    /// `cancel` may be used to end it early (it reports `cancelled`).
    public func sendFax(_ request: OutboundFaxRequest, cancel: FaxCallCancellation? = nil) async -> FaxCallReport {
        calls.withLock { $0 += 1 }
        defer { releaseCall() }
        return await withCheckedContinuation { (continuation: CheckedContinuation<FaxCallReport, Never>) in
            loop.execute { [self] in
                let media: CallMedia
                do {
                    media = try CallMedia.open(loop: loop, clock: clock, ports: ports, logger: logger, redundancyDepth: configuration.udptlRedundancy)
                } catch {
                    logger.error("No media port for an outgoing call", metadata: ["media.error": "\(error)"])
                    continuation.resume(returning: FaxCallReport(resultCode: .generalError))
                    return
                }
                startOutbound(request, media: media, cancel: cancel) { continuation.resume(returning: $0) }
            }
        }
    }

    private func startOutbound(_ request: OutboundFaxRequest, media: CallMedia, cancel: FaxCallCancellation?,
                               completion: @escaping (FaxCallReport) -> Void) {
        let configuration = FaxSessionConfiguration(role: .send(document: request.document), isCaller: true,
                                                    localIdentifier: request.localIdentifier, pageHeader: request.pageHeader,
                                                    ecm: request.ecm, maximumBitRate: request.maximumBitRate)
        var logger = self.logger
        logger[metadataKey: "fax.destination"] = "\(request.destination)"
        let call = FaxCall(endpoint: self, media: media, base: configuration, t38Policy: request.t38, codecs: request.codecs,
                           logger: logger, completion: completion)
        guard let trunk = try? SocketAddress(ipAddress: request.trunkHost, port: request.trunkPort) else {
            call.report(FaxCallReport(resultCode: .generalError))
            return
        }
        if request.transport == .tcp { agent.useTCP(toward: trunk) }
        var target = SIPURI(user: request.destination, host: request.trunkHost, port: request.trunkPort)
        if request.transport == .tcp { target.parameters = SIPParameters([("transport", "tcp")]) }
        // A fax without a caller ID is sent as "anonymous": `sip:@host` is no valid URI, and a far
        // end that drops it unparsed leaves the call unanswered (408).
        let from = SIPNameAddress(uri: SIPURI(user: request.callerID.isEmpty ? "anonymous" : request.callerID,
                                              host: agent.configuration.host, port: agent.port))
        var answered = false
        var noAnswer = false
        var invite: SIPOutgoingInvite?
        invite = agent.invite(target, via: trunk, from: from, offer: call.initialOffer(), credentials: request.credentials) { outcome in
            switch outcome {
            case .answered(let dialog, let answer):
                answered = true
                call.sipStatus = 200
                call.dialog = dialog
                dialog.handler = call
                guard let negotiated = answer?.negotiated(capabilities: call.capabilities) else {
                    logger.warning("Answer without usable media")
                    call.end(as: .negotiationFailed)
                    return
                }
                if !call.begin(negotiated) { call.end(as: .generalError) }
            case .failed(let status):
                call.sipStatus = status
                call.report(FaxCallReport(resultCode: noAnswer ? .noAnswer : SIPFailureMapping.resultCode(forStatus: status), sipStatus: status))
            case .timedOut:
                call.report(FaxCallReport(resultCode: .noAnswer, sipStatus: 408))
            case .cancelled:
                call.report(FaxCallReport(resultCode: noAnswer ? .noAnswer : .cancelled, sipStatus: 487))
            }
        }
        call.callID = invite?.callID
        call.after(request.noAnswerTimeout) {
            guard !answered else { return }
            noAnswer = true
            invite?.cancel()
            // A far end that never sent a provisional response cannot be cancelled: stop waiting.
            call.after(.seconds(4)) { call.report(FaxCallReport(resultCode: .noAnswer, sipStatus: 408)) }
        }
        call.after(request.maximumDuration) { call.end(as: .transmissionFailed) }
        if let pages = request.hangUpAfterPages { call.dropMidPage(afterPages: pages, delay: .seconds(2)) }
        cancel?.attach(loop: loop) {
            if answered { call.end(as: .cancelled) } else { invite?.cancel(); call.after(.seconds(2)) { call.report(FaxCallReport(resultCode: .cancelled)) } }
        }
    }

    // MARK: Inbound

    /// Rings, answers and receives one incoming fax call; `completion` runs on the loop when it is over.
    /// Call from the agent delegate (on the loop).
    public func answerFax(_ invite: SIPIncomingInvite, options: InboundFaxOptions, completion: @escaping @Sendable (FaxCallReport) -> Void) {
        loop.preconditionInEventLoop()
        invite.ring()
        let media: CallMedia
        do {
            media = try CallMedia.open(loop: loop, clock: clock, ports: ports, logger: logger, redundancyDepth: configuration.udptlRedundancy)
        } catch {
            logger.error("No media port for an incoming call", metadata: ["media.error": "\(error)"])
            invite.reject(503)
            completion(FaxCallReport(resultCode: .generalError, sipStatus: 503))
            return
        }
        loop.scheduleTask(in: options.ringTime) { [self] in
            answerNow(invite, media: media, options: options, completion: completion)
        }
    }

    private func answerNow(_ invite: SIPIncomingInvite, media: CallMedia, options: InboundFaxOptions,
                           completion: @escaping (FaxCallReport) -> Void) {
        var logger = self.logger
        logger[metadataKey: "sip.call_id"] = "\(invite.request.callID ?? "")"
        let configuration = FaxSessionConfiguration(role: .receive(into: options.receiveInto), isCaller: false,
                                                    localIdentifier: options.localIdentifier, ecm: options.ecm)
        let call = FaxCall(endpoint: self, media: media, base: configuration, t38Policy: options.t38, codecs: options.codecs,
                           logger: logger, completion: completion)
        call.callID = invite.request.callID
        call.sessionRefresh = options.sessionRefresh
        guard !invite.isFinished else {
            call.report(FaxCallReport(resultCode: .cancelled, sipStatus: 487))
            return
        }
        invite.onCancel = { call.report(FaxCallReport(resultCode: .cancelled, sipStatus: 487)) }
        guard let offer = invite.offer, let (answer, negotiated) = call.answer(offer: offer) else {
            invite.reject(488)
            call.report(FaxCallReport(resultCode: .negotiationFailed, sipStatus: 488))
            return
        }
        guard let dialog = invite.answer(answer, handler: call) else {
            call.report(FaxCallReport(resultCode: .cancelled, sipStatus: 487))
            return
        }
        call.sipStatus = 200
        call.dialog = dialog
        if options.answerAsVoice, case .audio(let codec, let address, let port, _) = negotiated {
            call.forcedResult = .voiceAnswer
            media.startVoice(codec: codec, address: address, port: port)
            call.after(options.maximumDuration) { call.end(as: .voiceAnswer) }
            return
        }
        if !call.begin(negotiated) {
            call.end(as: .generalError)
            return
        }
        call.after(options.maximumDuration) { call.end(as: .transmissionFailed) }
        if let dropAfter = options.dropAfter {
            call.after(dropAfter) { call.end(as: .transmissionFailed) }
        }
    }
}

/// Lets a caller end a fax call early (the user cancelled): the call ends within two seconds as `cancelled`.
public final class FaxCallCancellation: @unchecked Sendable {
    private var loop: (any EventLoop)?
    private var action: (() -> Void)?
    private var requested = false
    private let lock = NSLock()

    /// Creates a handle.
    public init() {}

    /// Requests the end of the call.
    public func cancel() {
        let (loop, action) = lock.withLock { () -> ((any EventLoop)?, (() -> Void)?) in
            requested = true
            return (self.loop, self.action)
        }
        if let loop, let action {
            let box = UncheckedBox(action)
            loop.execute { box.value() }
        }
    }

    func attach(loop: any EventLoop, action: @escaping () -> Void) {
        let fire = lock.withLock { () -> Bool in
            self.loop = loop
            self.action = action
            return requested
        }
        if fire { action() }
    }
}
