import NIOCore
import SIP

/// Credentials for digest authentication toward a trunk.
public struct SIPCredentials: Sendable, Equatable {
    /// Username.
    public var username: String
    /// Password (never logged).
    public var password: String
    /// Creates credentials.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}

/// An INVITE we sent, until it is answered, refused, times out or is cancelled.
/// Confined to the agent's loop.
public final class SIPOutgoingInvite: @unchecked Sendable {
    /// How the INVITE ended.
    public enum Outcome: Sendable {
        /// 2xx: the dialog is confirmed (ACK sent); the answer SDP, if it had one.
        case answered(SIPDialog, SDPSession?)
        /// A final error status (3xx–6xx).
        case failed(status: Int)
        /// Timer B fired: no final response.
        case timedOut
        /// We cancelled it (487 or no answer at all).
        case cancelled
    }

    /// The Call-ID of the call.
    public let callID = SIPIdentifiers.token(24)
    /// Called for each provisional status (180, 183).
    public var onProgress: ((Int) -> Void)?

    private unowned let agent: SIPUserAgent
    private let target: SIPURI
    private let destination: SocketAddress
    private let from: SIPNameAddress
    private let offer: SDPSession
    private let credentials: SIPCredentials?
    private let completion: (Outcome) -> Void
    private var request: SIPMessage?
    private var cseq: UInt32 = 1
    private var authenticated = false
    private var provisionalSeen = false
    private var cancelRequested = false
    private var cancelSent = false
    private var finished = false

    init(agent: SIPUserAgent, target: SIPURI, destination: SocketAddress, from: SIPNameAddress, offer: SDPSession,
         credentials: SIPCredentials?, completion: @escaping (Outcome) -> Void) {
        self.agent = agent
        self.target = target
        self.destination = destination
        var from = from
        from.tag = SIPIdentifiers.tag()
        self.from = from
        self.offer = offer
        self.credentials = credentials
        self.completion = completion
    }

    func send(authorization: (header: String, value: String)? = nil) {
        var headers = SIPHeaders()
        headers.add("Via", agent.newVia(toward: destination).description)
        headers.add("Max-Forwards", "70")
        headers.add("From", from.description)
        headers.add("To", SIPNameAddress(uri: target).description)
        headers.add("Call-ID", callID)
        headers.add("CSeq", SIPCSeq(cseq, .invite).description)
        headers.add("Contact", agent.contact(toward: destination).description)
        headers.add("Allow", SIPMethod.implemented.map(\.rawValue).joined(separator: ", "))
        headers.add("User-Agent", agent.configuration.product)
        if let authorization { headers.add(authorization.header, authorization.value) }
        headers.add("Content-Type", "application/sdp")
        let request = SIPMessage.request(.invite, target, headers: headers, body: offer.bytes)
        self.request = request
        agent.startClientTransaction(request, to: destination, onResponse: { [self] in receive($0, for: request) },
                                     onTimeout: { [self] in finish(cancelRequested ? .cancelled : .timedOut) })
    }

    /// Cancels the call if it is not answered yet (CANCEL goes once a provisional response came).
    public func cancel() {
        agent.loop.preconditionInEventLoop()
        guard !finished else { return }
        cancelRequested = true
        if provisionalSeen { sendCANCEL() }
    }

    private func sendCANCEL() {
        guard !cancelSent, let request else { return }
        cancelSent = true
        var headers = SIPHeaders()
        for name in ["Via", "Route", "From", "To", "Call-ID", "Max-Forwards"] {
            if let value = request.headers.values(name).first { headers.add(name, value) }
        }
        headers.add("CSeq", SIPCSeq(cseq, .cancel).description)
        let cancel = SIPMessage.request(.cancel, target, headers: headers)
        agent.startClientTransaction(cancel, to: destination, onResponse: { _ in }, onTimeout: {})
    }

    private func receive(_ response: SIPMessage, for request: SIPMessage) {
        guard let status = response.status, request.cseq?.number == cseq else { return }
        if status < 200 {
            if status > 100 { onProgress?(status) }
            provisionalSeen = true
            if cancelRequested { sendCANCEL() }
            return
        }
        if (200..<300).contains(status) {
            acknowledge(response, request: request)
            return
        }
        if (status == 401 || status == 407), !authenticated, let credentials,
           let challenge = SIPRegistration.challenge(in: response, status: status) {
            authenticated = true
            cseq += 1
            let value = challenge.authorization(username: credentials.username, password: credentials.password, method: .invite,
                                                uri: target.description, cnonce: SIPIdentifiers.token(16))
            send(authorization: (status == 401 ? "Authorization" : "Proxy-Authorization", value))
            return
        }
        finish(cancelRequested && status == 487 ? .cancelled : .failed(status: status))
    }

    private func acknowledge(_ response: SIPMessage, request: SIPMessage) {
        guard let to = response.to, to.tag != nil else { return }
        let dialog = SIPDialog(agent: agent, callID: callID, local: from, remote: to,
                               remoteTarget: response.contact?.uri ?? target, routeSet: response.recordRoute.reversed(),
                               localCSeq: cseq, remoteCSeq: nil, isCaller: true)
        let (ack, ackDestination) = dialog.request(.ack, cseq: cseq)
        let destination = ackDestination ?? self.destination
        agent.send(ack, to: destination)
        agent.clientTransaction(for: request)?.ackFor2xx = (ack, destination)
        guard !finished else {
            // Answered after we gave up (CANCEL crossed the 200): end it at once.
            agent.addDialog(dialog)
            dialog.bye()
            return
        }
        agent.addDialog(dialog)
        let answer = response.body.isEmpty ? nil : try? SDPSession(parsing: response.body)
        if cancelRequested {
            finish(.cancelled)
            dialog.bye()
            return
        }
        finish(.answered(dialog, answer))
    }

    private func finish(_ outcome: Outcome) {
        guard !finished else { return }
        finished = true
        completion(outcome)
    }
}

extension SIPUserAgent {
    /// Places a call: sends an INVITE for `target` to `destination` (the trunk or the far end).
    /// `completion` runs once on the loop with the outcome.
    public func invite(_ target: SIPURI, via destination: SocketAddress, from: SIPNameAddress, offer: SDPSession,
                       credentials: SIPCredentials? = nil, completion: @escaping (SIPOutgoingInvite.Outcome) -> Void) -> SIPOutgoingInvite {
        loop.preconditionInEventLoop()
        let invite = SIPOutgoingInvite(agent: self, target: target, destination: destination, from: from, offer: offer,
                                       credentials: credentials, completion: completion)
        invite.send()
        return invite
    }
}

extension SIPUserAgent {
    /// Pings a trunk with OPTIONS; `completion` gets the final status, or nil after timer F (no answer).
    public func ping(_ target: SIPURI, via destination: SocketAddress, completion: @escaping (Int?) -> Void) {
        loop.preconditionInEventLoop()
        var headers = SIPHeaders()
        headers.add("Via", newVia(toward: destination).description)
        headers.add("Max-Forwards", "70")
        var from = SIPNameAddress(uri: contact.uri)
        from.tag = SIPIdentifiers.tag()
        headers.add("From", from.description)
        headers.add("To", SIPNameAddress(uri: target).description)
        headers.add("Call-ID", SIPIdentifiers.token(24))
        headers.add("CSeq", SIPCSeq(1, .options).description)
        headers.add("Accept", "application/sdp")
        headers.add("User-Agent", configuration.product)
        var done = false
        startClientTransaction(.request(.options, target, headers: headers), to: destination, onResponse: { response in
            guard let status = response.status, status >= 200, !done else { return }
            done = true
            completion(status)
        }, onTimeout: {
            guard !done else { return }
            done = true
            completion(nil)
        })
    }
}
