/// What a `FaxSession` reports while it runs, named after the T.30 phases.
public enum FaxEvent: Sendable, Equatable {
    /// Phase B: the far end's capabilities (DIS) or choice (DCS) arrived and were accepted;
    /// statistics carry its identifier and the chosen bit rate and ECM mode.
    case negotiated(FaxTransferStatistics)
    /// Phase D: a page was transferred (statistics describe that page; `pages` counts it).
    case pageDone(FaxTransferStatistics)
    /// Phase E: the call is over; nothing more will be reported.
    case callDone(FaxOutcome)
}
