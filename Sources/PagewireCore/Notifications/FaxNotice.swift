import Foundation

/// The e-mails a sender gets about an outbound fax.
public enum FaxNotice: String, Sendable, CaseIterable {
    /// The fax was accepted and will be sent (setting `notifications.emailToFaxInitialNotice`).
    case accepted
    /// The fax was delivered, or failed after its last attempt (settings `outboundSuccess`/`outboundFailure`).
    case final

    /// Work kind of `pagewire-jobs`' notification handler.
    public static let workKind = "notify.fax"

    /// Records the notice inside the transaction that changed the fax (an outbox); idempotent.
    public static func record(on connection: DatabaseConnection, faxID: Int64, notice: FaxNotice, now: Date) throws {
        try WorkQueue.enqueue(
            on: connection, kind: workKind, payload: "{\"fax_id\":\(faxID),\"notice\":\"\(notice.rawValue)\"}", runAt: now,
            maxAttempts: 20, dedupeKey: "\(workKind).\(faxID).\(notice.rawValue)")
    }
}
