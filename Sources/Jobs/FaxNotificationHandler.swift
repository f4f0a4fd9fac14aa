import Foundation
import Logging
import PagewireCore

/// `notify.fax`: the e-mail notices about a fax, through the configured SMTP relay. A relay
/// that is down fails the item and the queue retries it; a notice already sent is not sent again.
struct FaxNotificationHandler: WorkHandler {
    let kind = FaxNotice.workKind
    /// Nil when no relay is configured: notices are dropped (logged once per item at debug level).
    let notifier: FaxNotifier?
    let logger: Logger

    struct Payload: Decodable {
        let fax_id: Int64
        let notice: String
    }

    func handle(_ item: WorkItem) async throws {
        let payload = try JSONDecoder().decode(Payload.self, from: Data(item.payload.utf8))
        guard let notice = FaxNotice(rawValue: payload.notice) else { return }
        guard let notifier else {
            logger.debug("no mail.smtp_url: notice \(notice.rawValue) for fax \(payload.fax_id) not sent")
            return
        }
        let outcome = try await notifier.send(notice, faxID: payload.fax_id)
        logger.debug("notice \(notice.rawValue) for fax \(payload.fax_id): \(outcome)")
    }
}
