import PagewireCore

/// Maps SIP final statuses of an unanswered INVITE to the platform's result codes
/// (486/600 busy, 503 fast busy, 404/484/604 invalid number, 408/480 no answer).
public enum SIPFailureMapping {
    /// The result code for a final error status.
    public static func resultCode(forStatus status: Int) -> ResultCode {
        switch status {
        case 486, 600, 603: .busy
        case 503: .fastBusy
        case 404, 484, 604, 410, 485: .invalidNumber
        case 408, 480, 487: .noAnswer
        case 488, 606: .negotiationFailed
        default: .generalError
        }
    }

    /// True when the next trunk should be tried (5xx other than 503 from the far end, 408, or a timeout).
    public static func shouldFailOver(status: Int?) -> Bool {
        guard let status else { return true }
        return status == 408 || (500...599).contains(status)
    }
}
