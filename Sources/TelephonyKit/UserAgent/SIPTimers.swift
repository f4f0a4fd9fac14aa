import NIOCore

/// The RFC 3261 §17 timer values. Defaults are the RFC's; tests may shorten them.
public struct SIPTimers: Sendable {
    /// RTT estimate; first retransmission interval.
    public var t1: TimeAmount
    /// Maximum retransmission interval for non-INVITE requests and INVITE responses.
    public var t2: TimeAmount
    /// Maximum time a message stays in the network.
    public var t4: TimeAmount

    /// Creates timer values.
    public init(t1: TimeAmount = .milliseconds(500), t2: TimeAmount = .seconds(4), t4: TimeAmount = .seconds(5)) {
        self.t1 = t1
        self.t2 = t2
        self.t4 = t4
    }

    /// Timers B, F, H and J: 64·T1.
    public var transactionTimeout: TimeAmount { .nanoseconds(t1.nanoseconds * 64) }
}
