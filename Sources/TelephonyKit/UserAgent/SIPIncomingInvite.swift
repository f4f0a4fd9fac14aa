import NIOCore
import SIP

/// An INVITE that started a new call, waiting for its answer. Confined to the agent's loop.
public final class SIPIncomingInvite: @unchecked Sendable {
    /// The request as received.
    public let request: SIPMessage
    /// The SDP offer it carried, if any.
    public let offer: SDPSession?
    /// The tag we put in To.
    public let localTag = SIPIdentifiers.tag()
    /// Called when the far end cancels before we answer (487 is already sent).
    public var onCancel: (() -> Void)?
    /// True once a final response went out or the call was cancelled.
    public private(set) var isFinished = false

    private unowned let agent: SIPUserAgent
    private let transaction: SIPServerTransaction

    init(agent: SIPUserAgent, request: SIPMessage, offer: SDPSession?, transaction: SIPServerTransaction) {
        self.agent = agent
        self.request = request
        self.offer = offer
        self.transaction = transaction
    }

    /// The number called: the Request-URI user part.
    public var calledUser: String? { request.requestURI?.user }
    /// The caller's user part (caller ID).
    public var callingUser: String? { request.from?.uri.user }
    /// The To header's user part (some carriers put the dialled number only there).
    public var toUser: String? { request.to?.uri.user }
    /// The address the INVITE came from (the previous hop: a trunk, a proxy).
    public var source: SocketAddress { transaction.source }

    /// Sends 180 Ringing.
    public func ring() {
        agent.loop.preconditionInEventLoop()
        guard !isFinished else { return }
        var response = request.response(180, toTag: localTag)
        response.headers.add("Contact", agent.contact(toward: transaction.source).description)
        transaction.respond(response)
    }

    /// Refuses the call with a final status (404, 486, 488, 503, …).
    public func reject(_ status: Int) {
        agent.loop.preconditionInEventLoop()
        guard !isFinished else { return }
        finish()
        transaction.respond(request.response(status, toTag: localTag))
    }

    /// Answers with 200 and `answer`; returns the new dialog (nil if the call is already over).
    public func answer(_ answer: SDPSession, handler: SIPDialogHandler) -> SIPDialog? {
        agent.loop.preconditionInEventLoop()
        guard !isFinished, let from = request.from, var to = request.to, let callID = request.callID, let cseq = request.cseq else { return nil }
        finish()
        to.tag = localTag
        let dialog = SIPDialog(agent: agent, callID: callID, local: to, remote: from,
                               remoteTarget: request.contact?.uri ?? from.uri, routeSet: request.recordRoute,
                               localCSeq: UInt32.random(in: 1...10_000), remoteCSeq: cseq.number, isCaller: false)
        dialog.handler = handler
        agent.addDialog(dialog)
        var response = request.response(200, toTag: localTag)
        response.headers.add("Contact", agent.contact(toward: transaction.source).description)
        response.headers.add("Content-Type", "application/sdp")
        agent.addCapabilities(to: &response)
        response.body = answer.bytes
        transaction.respond(response)
        agent.retransmit2xx(response, to: transaction.source, dialog: dialog)
        return dialog
    }

    func cancelledByRemote() {
        guard !isFinished else { return }
        finish()
        transaction.respond(request.response(487, toTag: localTag))
        onCancel?()
    }

    private func finish() {
        isFinished = true
        agent.pendingInvites[transaction.key] = nil
    }
}

extension SIPUserAgent {
    func receiveNewINVITE(_ request: SIPMessage, transaction: SIPServerTransaction, source: SocketAddress) {
        transaction.respond(request.response(100))
        var offer: SDPSession?
        if !request.body.isEmpty {
            guard let parsed = try? SDPSession(parsing: request.body) else {
                transaction.respond(request.response(400, reason: "Bad SDP", toTag: SIPIdentifiers.tag()))
                return
            }
            offer = parsed
        }
        let invite = SIPIncomingInvite(agent: self, request: request, offer: offer, transaction: transaction)
        pendingInvites[transaction.key] = invite
        guard let delegate else {
            invite.reject(480)
            return
        }
        delegate.userAgent(self, incoming: invite)
    }
}
