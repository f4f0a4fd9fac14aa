import FaxEngine
import Foundation
import NIOCore
import SIP

/// When a call uses T.38.
public struct T38Policy: Sendable {
    /// Accept the far end's re-INVITE (or an initial offer) to T.38.
    public var accept: Bool
    /// Ask for T.38 ourselves with a re-INVITE once the call is up.
    public var request: Bool
    /// How long after the answer we ask (FreeSWITCH asks after ~100 audio packets).
    public var requestDelay: TimeAmount
    /// The parameters we offer and answer with.
    public var parameters: T38Parameters

    /// Creates a policy.
    public init(accept: Bool = true, request: Bool = false, requestDelay: TimeAmount = .milliseconds(600),
                parameters: T38Parameters = T38Parameters()) {
        self.accept = accept
        self.request = request
        self.requestDelay = requestDelay
        self.parameters = parameters
    }

    /// Neither accept nor request.
    public static let never = T38Policy(accept: false, request: false)
}

/// One outgoing fax call.
public struct OutboundFaxRequest: Sendable {
    /// The number to dial (the Request-URI user part), e.g. `+15550101`.
    public var destination: String
    /// The trunk (or far end) host, an IP literal.
    public var trunkHost: String
    /// The trunk's SIP port.
    public var trunkPort: Int
    /// Digest credentials, if the trunk challenges.
    public var credentials: SIPCredentials?
    /// Caller ID (From user part).
    public var callerID: String
    /// The fax TIFF to send.
    public var document: URL
    /// Our TSI and the page header.
    public var localIdentifier: String
    /// Text SpanDSP prints at the top of each page, or nil.
    public var pageHeader: String?
    /// Offer ECM.
    public var ecm: Bool
    /// Highest bit rate (V.17 at 14,400 down to V.27ter at 2,400).
    public var maximumBitRate: Int
    /// Audio codecs in preference order.
    public var codecs: [SDPAudioCodec]
    /// T.38 behaviour.
    public var t38: T38Policy
    /// How long to wait for an answer before cancelling (`no_answer`).
    public var noAnswerTimeout: TimeAmount
    /// The longest a call may last before we hang up.
    public var maximumDuration: TimeAmount
    /// UDP, or TCP for a trunk configured with transport `tcp`.
    public var transport: SIPTransportKind = .udp
    /// Hang up two seconds into the page after this many pages went through (the simulator's
    /// mid-page drop toward the platform); nil for a normal call.
    public var hangUpAfterPages: Int?

    /// Creates a request with carrier-friendly defaults.
    public init(destination: String, trunkHost: String, trunkPort: Int, credentials: SIPCredentials? = nil, callerID: String,
                document: URL, localIdentifier: String? = nil, pageHeader: String? = nil, ecm: Bool = true, maximumBitRate: Int = 14_400,
                codecs: [SDPAudioCodec] = [.pcmu, .pcma], t38: T38Policy = T38Policy(),
                noAnswerTimeout: TimeAmount = .seconds(55), maximumDuration: TimeAmount = .minutes(60)) {
        self.destination = destination
        self.trunkHost = trunkHost
        self.trunkPort = trunkPort
        self.credentials = credentials
        self.callerID = callerID
        self.document = document
        self.localIdentifier = localIdentifier ?? callerID
        self.pageHeader = pageHeader
        self.ecm = ecm
        self.maximumBitRate = maximumBitRate
        self.codecs = codecs
        self.t38 = t38
        self.noAnswerTimeout = noAnswerTimeout
        self.maximumDuration = maximumDuration
    }
}

/// How to answer and receive one incoming fax call.
public struct InboundFaxOptions: Sendable {
    /// Where the received pages go (a new Group 4 TIFF).
    public var receiveInto: URL
    /// Our CSID.
    public var localIdentifier: String
    /// Accept ECM.
    public var ecm: Bool
    /// Audio codecs in preference order.
    public var codecs: [SDPAudioCodec]
    /// T.38 behaviour.
    public var t38: T38Policy
    /// Ring this long before answering.
    public var ringTime: TimeAmount
    /// The longest a call may last.
    public var maximumDuration: TimeAmount
    /// Hang up (BYE) after this much of the call, mid-fax: the simulator's "drop mid-page".
    public var dropAfter: TimeAmount?
    /// Once on T.38, send a session-refresh re-INVITE (same SDP) this often, as session timers do.
    public var sessionRefresh: TimeAmount?
    /// Answer as a person (speech, no fax tones) and hang up after `maximumDuration`: the simulator's voice answer.
    public var answerAsVoice = false

    /// Creates options.
    public init(receiveInto: URL, localIdentifier: String, ecm: Bool = true, codecs: [SDPAudioCodec] = [.pcmu, .pcma],
                t38: T38Policy = T38Policy(), ringTime: TimeAmount = .zero, maximumDuration: TimeAmount = .minutes(60),
                dropAfter: TimeAmount? = nil, sessionRefresh: TimeAmount? = nil) {
        self.receiveInto = receiveInto
        self.localIdentifier = localIdentifier
        self.ecm = ecm
        self.codecs = codecs
        self.t38 = t38
        self.ringTime = ringTime
        self.maximumDuration = maximumDuration
        self.dropAfter = dropAfter
        self.sessionRefresh = sessionRefresh
    }
}
