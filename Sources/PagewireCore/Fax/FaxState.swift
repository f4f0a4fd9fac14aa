/// Where a fax is in its life (DESIGN.md §4).
///
/// Outbound: submitted → rendering → queued → sending → (retry_wait → queued)* →
/// delivered | partially_delivered | failed | cancelled.
/// Inbound: receiving → received → delivering → delivered | delivery_failed.
public enum FaxState: String, Sendable, Codable, CaseIterable {
    case submitted, rendering, queued, sending
    case retryWait = "retry_wait"
    case delivered
    case partiallyDelivered = "partially_delivered"
    case failed, cancelled
    case receiving, received, delivering
    case deliveryFailed = "delivery_failed"

    /// No further change happens to a fax in a final state (except resubmission, which makes a new one).
    public var isFinal: Bool {
        switch self {
        case .delivered, .partiallyDelivered, .failed, .cancelled, .deliveryFailed: true
        default: false
        }
    }
}

/// Rendering resolution of an outbound fax.
public enum FaxQuality: String, Sendable, Codable, CaseIterable { case standard, fine, superfine }
