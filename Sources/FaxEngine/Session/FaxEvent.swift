/// What a `FaxSession` reports while it runs, named after the T.30 phases.
public enum FaxEvent: Sendable, Equatable {
    /// Phase B ended: the two machines agreed on modem, speed, resolution and ECM.
    case negotiated(FaxTransferStatistics)
    /// Phase D: a page was transferred (statistics describe that page; `pages` counts it).
    case pageDone(FaxTransferStatistics)
    /// Phase E: the call is over; nothing more will be reported.
    case callDone(FaxOutcome)
}
