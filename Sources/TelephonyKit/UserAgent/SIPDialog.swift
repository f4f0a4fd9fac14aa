import NIOCore
import SIP

/// Receives what happens inside one dialog; called on the agent's event loop.
public protocol SIPDialogHandler: AnyObject {
    /// The far end sent a re-INVITE (offer may be nil for an offerless re-INVITE).
    /// Return the answer SDP to send with 200, or a status to refuse (488, 491).
    func dialog(_ dialog: SIPDialog, reinviteWith offer: SDPSession?) -> Result<SDPSession, SIPResponseStatus>
    /// The dialog is over (BYE either way, or a failure).
    func dialogEnded(_ dialog: SIPDialog, byRemote: Bool)
}

/// A SIP status a handler answers with.
public struct SIPResponseStatus: Error, Sendable, Equatable {
    /// The code (400…699).
    public var code: Int
    /// Creates a status.
    public init(_ code: Int) { self.code = code }
}

/// One confirmed dialog (RFC 3261 §12): identifiers, route set and CSeq counters, and the
/// in-dialog requests (re-INVITE, BYE). Confined to its agent's event loop.
public final class SIPDialog: @unchecked Sendable {
    /// Call-ID.
    public let callID: String
    /// Our tag.
    public let localTag: String
    /// The far end's tag.
    public let remoteTag: String
    /// True when we sent the INVITE.
    public let isCaller: Bool
    /// Our From/To address with our tag.
    let local: SIPNameAddress
    /// The far end's address with its tag.
    let remote: SIPNameAddress
    /// Where in-dialog requests go (the far end's Contact).
    var remoteTarget: SIPURI
    /// Route headers for in-dialog requests.
    let routeSet: [SIPNameAddress]
    var localCSeq: UInt32
    var remoteCSeq: UInt32?
    /// Handler of in-dialog events.
    public weak var handler: SIPDialogHandler?
    /// True once BYE went or came.
    public private(set) var isTerminated = false

    unowned let agent: SIPUserAgent
    /// UAS side: the 2xx being retransmitted until the ACK comes.
    var pending2xx: SIPPending2xx?
    /// A re-INVITE of ours awaiting its answer.
    var reinviteInProgress = false

    init(agent: SIPUserAgent, callID: String, local: SIPNameAddress, remote: SIPNameAddress, remoteTarget: SIPURI,
         routeSet: [SIPNameAddress], localCSeq: UInt32, remoteCSeq: UInt32?, isCaller: Bool) {
        self.agent = agent
        self.callID = callID
        self.local = local
        self.remote = remote
        self.localTag = local.tag ?? ""
        self.remoteTag = remote.tag ?? ""
        self.remoteTarget = remoteTarget
        self.routeSet = routeSet
        self.localCSeq = localCSeq
        self.remoteCSeq = remoteCSeq
        self.isCaller = isCaller
    }

    /// The key the agent files dialogs under.
    var key: String { SIPDialog.key(callID: callID, localTag: localTag, remoteTag: remoteTag) }

    static func key(callID: String, localTag: String, remoteTag: String) -> String { "\(callID)|\(localTag)|\(remoteTag)" }

    /// Builds an in-dialog request (RFC 3261 §12.2.1.1) with the next CSeq (ACK reuses the INVITE's).
    func request(_ method: SIPMethod, cseq: UInt32? = nil, body: SDPSession? = nil) -> (SIPMessage, SocketAddress?) {
        if method != .ack, cseq == nil { localCSeq += 1 }
        // Loose routing: with a route set, the request goes to the first route; the Request-URI stays the target.
        let next = routeSet.first?.uri ?? remoteTarget
        let destination = agent.resolve(next)
        var headers = SIPHeaders()
        headers.add("Via", agent.newVia(toward: destination).description)
        headers.add("Max-Forwards", "70")
        for route in routeSet { headers.add("Route", route.description) }
        headers.add("From", local.description)
        headers.add("To", remote.description)
        headers.add("Call-ID", callID)
        headers.add("CSeq", SIPCSeq(cseq ?? localCSeq, method).description)
        headers.add("Contact", agent.contact(toward: destination).description)
        headers.add("User-Agent", agent.configuration.product)
        var bytes: [UInt8] = []
        if let body {
            headers.add("Content-Type", "application/sdp")
            bytes = body.bytes
        }
        return (.request(method, remoteTarget, headers: headers, body: bytes), destination)
    }

    /// Sends a re-INVITE with a new offer; `completion` gets the final response (or nil on timeout).
    public func reinvite(offer: SDPSession, completion: @escaping (SIPMessage?) -> Void) {
        agent.loop.preconditionInEventLoop()
        guard !isTerminated else { completion(nil); return }
        let (request, destination) = self.request(.invite, body: offer)
        guard let destination else { completion(nil); return }
        reinviteInProgress = true
        agent.startClientTransaction(request, to: destination, onResponse: { [self] response in
            guard let status = response.status, status >= 200 else { return }
            reinviteInProgress = false
            if (200..<300).contains(status) {
                let (ack, ackDestination) = self.request(.ack, cseq: response.cseq?.number ?? localCSeq)
                if let ackDestination {
                    agent.send(ack, to: ackDestination)
                    agent.clientTransaction(for: request)?.ackFor2xx = (ack, ackDestination)
                }
            }
            completion(response)
        }, onTimeout: { [self] in
            reinviteInProgress = false
            completion(nil)
        })
    }

    /// Ends the dialog with BYE (once); the handler hears `dialogEnded(byRemote: false)`.
    public func bye() {
        agent.loop.preconditionInEventLoop()
        guard !isTerminated else { return }
        isTerminated = true
        pending2xx?.timer?.cancel()
        pending2xx = nil
        let (request, destination) = self.request(.bye)
        if let destination { agent.startClientTransaction(request, to: destination, onResponse: { _ in }, onTimeout: {}) }
        agent.removeDialog(self)
        handler?.dialogEnded(self, byRemote: false)
    }

    /// The far end ended the dialog or it failed.
    func terminateByRemote() {
        guard !isTerminated else { return }
        isTerminated = true
        pending2xx?.timer?.cancel()
        pending2xx = nil
        agent.removeDialog(self)
        handler?.dialogEnded(self, byRemote: true)
    }
}
