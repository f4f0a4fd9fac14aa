import Foundation

/// The events a webhook endpoint can subscribe to.
public enum WebhookEvent: String, Sendable, Codable, CaseIterable {
    case faxQueued = "fax.queued"
    case faxDelivered = "fax.delivered"
    case faxFailed = "fax.failed"
    case faxReceived = "fax.received"

    /// The event a fax's new state announces, if any (a cancelled fax announces nothing).
    public static func announcing(_ state: FaxState) -> WebhookEvent? {
        switch state {
        case .queued: .faxQueued
        case .delivered: .faxDelivered
        case .failed, .partiallyDelivered: .faxFailed
        case .received: .faxReceived
        default: nil
        }
    }

    /// Work kind that turns one fax event into deliveries to the company's endpoints.
    public static let fanOutKind = "webhook.fanout"
    /// Work kind that sends one delivery.
    public static let deliverKind = "webhook.deliver"

    /// Records the event inside the transaction that changed the fax's state (an outbox: the
    /// event exists exactly when the change committed); `pagewire-jobs` fans it out. Idempotent.
    public static func record(on connection: DatabaseConnection, faxID: Int64, state: FaxState, now: Date) throws {
        guard let event = announcing(state) else { return }
        try WorkQueue.enqueue(
            on: connection, kind: fanOutKind, payload: "{\"fax_id\":\(faxID),\"event\":\"\(event.rawValue)\"}", runAt: now,
            dedupeKey: "\(fanOutKind).\(faxID).\(event.rawValue)")
    }
}
