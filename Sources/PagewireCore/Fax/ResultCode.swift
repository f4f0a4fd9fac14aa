/// The outcome of a fax or of one attempt, shown to users in the portal, the API and e-mails.
///
/// One enum for the whole platform: telephony maps SIP responses and SpanDSP T.30 completion
/// codes to it, rendering and submission use it for documents and senders, and the scheduler
/// decides retries from it (`isRetryable`). The texts follow the error statuses users know
/// from Concord Cloud Fax.
public enum ResultCode: String, Sendable, Codable, CaseIterable {
    case ok
    case busy
    case fastBusy = "fast_busy"
    case noAnswer = "no_answer"
    case voiceAnswer = "voice_answer"
    case notAFaxMachine = "not_a_fax_machine"
    case sitTone = "sit_tone"
    case invalidNumber = "invalid_number"
    case negotiationFailed = "negotiation_failed"
    case transmissionFailed = "transmission_failed"
    case exceededECMRetransmit = "exceeded_ecm_retransmit"
    case invalidAttachment = "invalid_attachment"
    case noAttachment = "no_attachment"
    case unauthorizedSender = "unauthorized_sender"
    case blockedNumber = "blocked_number"
    case quotaExceeded = "quota_exceeded"
    case limitExceeded = "limit_exceeded"
    case cancelled
    case generalError = "general_error"

    /// The short label users see.
    public var title: String {
        switch self {
        case .ok: "Success"
        case .busy: "Busy"
        case .fastBusy: "Fast Busy"
        case .noAnswer: "No Answer"
        case .voiceAnswer: "Voice Answer"
        case .notAFaxMachine: "Not a Fax Machine"
        case .sitTone: "Sit-Tone / Operator Msg"
        case .invalidNumber: "Invalid Fax Number"
        case .negotiationFailed: "Negotiation Failed"
        case .transmissionFailed: "Transmission Failed"
        case .exceededECMRetransmit: "Exceeded ECM Retransmit"
        case .invalidAttachment: "Invalid Attachment"
        case .noAttachment: "No Attachment"
        case .unauthorizedSender: "Unauthorized Sending Address"
        case .blockedNumber: "Blocked Number"
        case .quotaExceeded: "Quota Exceeded"
        case .limitExceeded: "Limit Exceeded"
        case .cancelled: "Job Cancelled"
        case .generalError: "General Error"
        }
    }

    /// What happened, in the words a user understands.
    public var explanation: String {
        switch self {
        case .ok: "The fax was delivered in full."
        case .busy: "The called number was already in use."
        case .fastBusy: "There was no available path to the receiving fax number; this is often temporary."
        case .noAnswer: "The line was not answered within 55 seconds."
        case .voiceAnswer: "A person or a voicemail answered the call."
        case .notAFaxMachine: "No fax tones were detected from the remote side."
        case .sitTone: "The call was intercepted by special information tones or an operator message."
        case .invalidNumber: "The destination fax number is not valid; check the full number including area and country code."
        case .negotiationFailed: "The receiving fax answered but the two machines could not agree on how to send."
        case .transmissionFailed: "The receiving fax answered but the document could not be fully transmitted."
        case .exceededECMRetransmit: "Too much data had to be retransmitted under error correction; the call was aborted."
        case .invalidAttachment: "An attachment could not be turned into fax pages."
        case .noAttachment: "The fax request had no document attached."
        case .unauthorizedSender: "The sending e-mail address is not registered for e-mail to fax."
        case .blockedNumber: "The destination number is on the account's blocklist."
        case .quotaExceeded: "The account has no credit left for this fax."
        case .limitExceeded: "The account's daily or monthly fax limit has been reached."
        case .cancelled: "The fax was cancelled or its delivery time expired."
        case .generalError: "An uncommon error stopped the fax; retry, and contact support if it recurs."
        }
    }

    /// Whether another attempt could succeed; the retry policy in `PagewireCore` uses this.
    public var isRetryable: Bool {
        switch self {
        case .busy, .fastBusy, .noAnswer, .negotiationFailed, .transmissionFailed,
             .exceededECMRetransmit, .generalError, .sitTone, .notAFaxMachine, .voiceAnswer:
            true
        case .ok, .invalidNumber, .invalidAttachment, .noAttachment, .unauthorizedSender,
             .blockedNumber, .quotaExceeded, .limitExceeded, .cancelled:
            false
        }
    }
}
