import Foundation

/// What the scheduler does after an attempt: the transmitter only reports a `ResultCode`.
public enum RetryDecision: Sendable, Equatable {
    /// Try again after this many seconds.
    case retry(after: TimeInterval)
    /// Stop here with this final state.
    case finish(FaxState)
}

/// Cause-aware retry rules over the account's `RetryPolicy` (default 4 attempts 5 minutes apart):
/// never retry what cannot succeed (invalid number, bad document, blocked), retry a busy line
/// sooner (HylaFAX requeues busy after 3 minutes), and call a fax with pages through but not
/// all of them partially delivered once no attempt is left.
public enum RetryRules {
    /// Decides after attempt `attempt` (1-based) ended with `result`.
    public static func decide(result: ResultCode, attempt: Int, policy: RetryPolicy, pagesSent: Int, pagesTotal: Int?) -> RetryDecision {
        if result == .ok {
            if let total = pagesTotal, pagesSent < total { return lastOrRetry(attempt, policy, pagesSent, sooner: false) }
            return .finish(.delivered)
        }
        if result == .cancelled { return .finish(.cancelled) }
        guard result.isRetryable else { return .finish(pagesSent > 0 ? .partiallyDelivered : .failed) }
        return lastOrRetry(attempt, policy, pagesSent, sooner: result == .busy)
    }

    private static func lastOrRetry(_ attempt: Int, _ policy: RetryPolicy, _ pagesSent: Int, sooner: Bool) -> RetryDecision {
        guard attempt < policy.attempts else { return .finish(pagesSent > 0 ? .partiallyDelivered : .failed) }
        let interval = TimeInterval(policy.intervalSeconds)
        return .retry(after: sooner ? min(interval, 180) : interval)
    }
}
