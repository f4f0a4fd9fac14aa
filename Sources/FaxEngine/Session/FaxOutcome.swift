import PagewireCore

/// How a fax session ended (T.30 phase E).
public struct FaxOutcome: Sendable, Equatable {
    /// The platform result code the scheduler and the user see.
    public var resultCode: ResultCode
    /// The SpanDSP T.30 completion code behind it.
    public var completionCode: T30CompletionCode
    /// The final transfer statistics.
    public var statistics: FaxTransferStatistics

    /// True when the fax went through in full.
    public var succeeded: Bool { resultCode == .ok }
}
