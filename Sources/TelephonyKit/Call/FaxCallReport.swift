import FaxEngine
import PagewireCore

/// How T.38 went on a call (the FreeSWITCH mod_spandsp states).
public enum T38Negotiation: String, Sendable {
    /// Never tried.
    case unknown
    /// A re-INVITE to T.38 is pending.
    case requested
    /// The call switched to T.38.
    case negotiated
    /// The far end refused (488, other error, or timeout): the call stayed on G.711.
    case refused
}

/// What one fax call attempt reports to the scheduler: the result code and what is known about
/// the call. The transmitter never decides retries.
public struct FaxCallReport: Sendable {
    /// The platform result code.
    public var resultCode: ResultCode
    /// The final SIP status of the INVITE (200 when answered).
    public var sipStatus: Int?
    /// The T.30 completion code, once phase E happened.
    public var completionCode: T30CompletionCode?
    /// Transfer statistics (pages, bit rate, ECM, remote identifier).
    public var statistics: FaxTransferStatistics?
    /// True when the fax ended on T.38.
    public var usedT38: Bool
    /// How T.38 negotiation went.
    public var t38: T38Negotiation
    /// The SIP Call-ID.
    public var callID: String?
    /// Media counters of the call.
    public var media: CallMedia.Counters?
    /// Session-refresh re-INVITEs we sent that the far end accepted.
    public var sessionRefreshes = 0

    /// Creates a report.
    public init(resultCode: ResultCode, sipStatus: Int? = nil, completionCode: T30CompletionCode? = nil,
                statistics: FaxTransferStatistics? = nil, usedT38: Bool = false, t38: T38Negotiation = .unknown,
                callID: String? = nil, media: CallMedia.Counters? = nil) {
        self.resultCode = resultCode
        self.sipStatus = sipStatus
        self.completionCode = completionCode
        self.statistics = statistics
        self.usedT38 = usedT38
        self.t38 = t38
        self.callID = callID
        self.media = media
    }
}
