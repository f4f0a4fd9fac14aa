import FaxEngine
import Logging
import NIOCore
import PagewireCore
import SIP

/// One fax call in either direction once media exists: drives the `FaxSession` over G.711 or
/// T.38, switches to T.38 by re-INVITE (ours or the far end's), keeps the call on G.711 when
/// T.38 is refused, answers session refreshes without touching the media, hangs up as soon as
/// phase E ends, and reports once. Confined to the endpoint's loop.
final class FaxCall: SIPDialogHandler, @unchecked Sendable {
    let endpoint: TelephonyEndpoint
    let media: CallMedia
    let base: FaxSessionConfiguration
    let t38Policy: T38Policy
    let codecs: [SDPAudioCodec]
    var logger: Logger
    private let completion: (FaxCallReport) -> Void

    var dialog: SIPDialog?
    var sipStatus: Int?
    var callID: String?
    private(set) var t38State = T38Negotiation.unknown
    /// Our current SDP (answered again unchanged on a session refresh).
    private var localSDP: SDPSession?
    private let sdpSessionID = UInt64.random(in: 1...UInt64(Int64.max))
    private var sdpVersion: UInt64 = 1
    private var timers: [Scheduled<Void>] = []
    private var reported = false
    /// Set when we end the call for a reason of our own (cancel, timeout, a voice answer).
    var forcedResult: ResultCode?
    /// Send a session refresh this often once on T.38.
    var sessionRefresh: TimeAmount?
    private var sessionRefreshes = 0
    /// Our T.38 re-INVITEs answered 491 (request pending) so far.
    private var t38Glares = 0

    init(endpoint: TelephonyEndpoint, media: CallMedia, base: FaxSessionConfiguration, t38Policy: T38Policy,
         codecs: [SDPAudioCodec], logger: Logger, completion: @escaping (FaxCallReport) -> Void) {
        self.endpoint = endpoint
        self.media = media
        self.base = base
        self.t38Policy = t38Policy
        self.codecs = codecs
        self.logger = logger
        self.completion = completion
        media.onFinished = { [unowned self] outcome in sessionFinished(outcome) }
    }

    var capabilities: SDPCapabilities { SDPCapabilities(codecs: codecs, t38: t38Policy.accept || t38Policy.request, t38Parameters: t38Policy.parameters) }

    /// The first SDP offer of an outgoing call (audio).
    func initialOffer() -> SDPSession {
        let offer = SDPSession.audioOffer(capabilities: capabilities, address: endpoint.ports.host, port: media.audioPort,
                                          sessionID: sdpSessionID, version: sdpVersion)
        localSDP = offer
        return offer
    }

    /// Answers an incoming offer; nil means 488.
    func answer(offer: SDPSession) -> (SDPSession, SDPNegotiatedMedia)? {
        let accepting = SDPCapabilities(codecs: codecs, t38: t38Policy.accept, t38Parameters: t38Policy.parameters)
        guard let (answer, negotiated) = try? offer.answer(capabilities: accepting, address: endpoint.ports.host, audioPort: media.audioPort,
                                                           t38Port: media.t38Port, sessionID: sdpSessionID, version: sdpVersion) else { return nil }
        localSDP = answer
        return (answer, negotiated)
    }

    /// Schedules something on the loop, cancelled when the call reports.
    func after(_ delay: TimeAmount, _ work: @escaping () -> Void) {
        let box = UncheckedBox(work)
        timers.append(endpoint.loop.scheduleTask(in: delay) { box.value() })
    }

    /// Starts media for what offer/answer agreed; false when the session cannot start.
    @discardableResult
    func begin(_ negotiated: SDPNegotiatedMedia) -> Bool {
        do {
            switch negotiated {
            case .audio(let codec, let address, let port, _):
                let session = try FaxSession(configuration: base, transport: .audio)
                media.startAudio(codec: codec, address: address, port: port, session: session)
                if t38Policy.request, t38State == .unknown {
                    after(t38Policy.requestDelay) { [self] in requestT38() }
                }
            case .t38(let parameters, let address, let port):
                let session = try FaxSession(configuration: base, transport: .t38(version: min(parameters.version, t38Policy.parameters.version)))
                media.startT38(parameters: parameters, address: address, port: port, session: session)
                t38State = .negotiated
                if let sessionRefresh { after(sessionRefresh) { [self] in refreshSession(every: sessionRefresh) } }
            }
            return true
        } catch {
            logger.error("Fax session could not start", metadata: ["fax.error": "\(error)"])
            if case .unreadableDocument = error { forcedResult = .invalidAttachment } else { forcedResult = .generalError }
            return false
        }
    }

    /// Sends our re-INVITE to T.38; on 488, another error or a timeout the call stays on G.711.
    func requestT38() {
        guard let dialog, !dialog.isTerminated, !reported, !media.isT38, t38State == .unknown else { return }
        t38State = .requested
        sdpVersion += 1
        let offer = SDPSession.t38Offer(parameters: t38Policy.parameters, address: endpoint.ports.host, port: media.t38Port,
                                        sessionID: sdpSessionID, version: sdpVersion)
        logger.info("Requesting T.38")
        dialog.reinvite(offer: offer) { [self] response in
            guard !reported else { return }
            guard let response, let status = response.status, (200..<300).contains(status),
                  let answer = try? SDPSession(parsing: response.body),
                  case .t38(let parameters, let address, let port)? = answer.negotiated(capabilities: SDPCapabilities(codecs: codecs, t38: true, t38Parameters: t38Policy.parameters))
            else {
                sdpVersion += 1
                if response?.status == 491, t38Glares < 2 {
                    // Glare: the far end had a request of its own in progress (RFC 3261 §14.1).
                    // The caller, owner of the Call-ID, tries again after 2.1–4 s; the callee after 0–2 s.
                    t38Glares += 1
                    t38State = .unknown
                    let wait = dialog.isCaller ? Int64.random(in: 2_100...4_000) : Int64.random(in: 10...2_000)
                    logger.info("T.38 re-INVITE crossed another request (491); asking again", metadata: ["sip.retry_ms": "\(wait)"])
                    after(.milliseconds(wait)) { [self] in requestT38() }
                    return
                }
                t38State = .refused
                logger.info("T.38 refused; staying on G.711", metadata: ["sip.status": "\(response?.status ?? 0)"])
                return
            }
            localSDP = offer
            begin(.t38(parameters, address: address, port: port))
        }
    }

    /// Hangs up `delay` after `pages` pages went through, in the middle of the next page: the
    /// simulator's caller that drops mid-page, for partial receptions.
    func dropMidPage(afterPages pages: Int, delay: TimeAmount) {
        after(.milliseconds(250)) { [self] in
            guard !reported else { return }
            if let session = media.session, session.statistics.pages >= pages {
                logger.info("Dropping the call mid-page", metadata: ["fax.pages": "\(pages)"])
                after(delay) { [self] in end(as: .transmissionFailed) }
            } else {
                dropMidPage(afterPages: pages, delay: delay)
            }
        }
    }

    /// A session-timer style re-INVITE with our current SDP, repeated while the call lasts.
    private func refreshSession(every interval: TimeAmount) {
        guard let dialog, !dialog.isTerminated, !reported, let localSDP else { return }
        dialog.reinvite(offer: localSDP) { [self] response in
            if let status = response?.status, (200..<300).contains(status) { sessionRefreshes += 1 }
            after(interval) { [self] in refreshSession(every: interval) }
        }
    }

    // MARK: SIPDialogHandler

    func dialog(_ dialog: SIPDialog, reinviteWith offer: SDPSession?) -> Result<SDPSession, SIPResponseStatus> {
        guard let offer else {
            // Offerless re-INVITE: offer what we have now.
            return localSDP.map { .success($0) } ?? .failure(SIPResponseStatus(488))
        }
        let offersT38 = offer.media.contains { $0.isT38 && $0.port > 0 }
        if media.isT38 {
            // A session refresh during T.38: answer with the same T.38 SDP and keep the media.
            guard offersT38, let localSDP else { return .failure(SIPResponseStatus(488)) }
            return .success(localSDP)
        }
        if !offersT38 {
            guard let localSDP else { return .failure(SIPResponseStatus(488)) }
            return .success(localSDP)
        }
        guard t38Policy.accept else {
            t38State = .refused
            return .failure(SIPResponseStatus(488))
        }
        sdpVersion += 1
        guard let (answer, negotiated) = self.answer(offer: offer), case .t38 = negotiated else { return .failure(SIPResponseStatus(488)) }
        logger.info("Accepting the far end's T.38 re-INVITE")
        begin(negotiated)
        return .success(answer)
    }

    func dialogEnded(_ dialog: SIPDialog, byRemote: Bool) {
        guard byRemote else { return }
        logger.info("Far end hung up")
        if media.session == nil { report(FaxCallReport(resultCode: forcedResult ?? .transmissionFailed, sipStatus: sipStatus)) }
        media.hangUpSession()
    }

    // MARK: Ending

    /// Ends the call for a reason of ours: hang up the session (phase E follows) and BYE.
    func end(as result: ResultCode) {
        guard !reported else { return }
        forcedResult = result
        if media.session != nil {
            media.hangUpSession()
        } else {
            dialog?.bye()
            report(FaxCallReport(resultCode: result, sipStatus: sipStatus))
        }
    }

    private func sessionFinished(_ outcome: FaxOutcome) {
        logger.info("Fax phase E", metadata: ["fax.result": "\(outcome.resultCode.rawValue)", "fax.t30": "\(outcome.completionCode.rawValue)",
                                              "fax.pages": "\(outcome.statistics.pages)"])
        dialog?.bye()
        var result = outcome.resultCode
        if let forcedResult, result != .ok { result = forcedResult }
        report(FaxCallReport(resultCode: result, sipStatus: sipStatus, completionCode: outcome.completionCode,
                             statistics: outcome.statistics))
    }

    /// Reports once, stops every timer and releases the media.
    func report(_ base: FaxCallReport) {
        guard !reported else { return }
        reported = true
        for timer in timers { timer.cancel() }
        timers.removeAll()
        var report = base
        report.usedT38 = media.isT38
        report.t38 = t38State
        report.callID = callID
        report.media = media.counters
        report.sessionRefreshes = sessionRefreshes
        let counters = media.counters
        logger.info("Call media", metadata: [
            "media.rtp_sent": "\(counters.rtpSent)", "media.rtp_received": "\(counters.rtpReceived)",
            "media.rtp_late": "\(counters.rtpLate)", "media.rtp_lost": "\(counters.rtpLost)",
            "media.udptl_sent": "\(counters.udptlSent)", "media.udptl_received": "\(counters.udptlReceived)",
            "media.udptl_recovered": "\(counters.udptlRecovered)", "media.dropped": "\(counters.dropped)",
        ])
        media.close()
        completion(report)
    }
}

/// Carries a non-Sendable value into a loop task that runs on the same loop.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
