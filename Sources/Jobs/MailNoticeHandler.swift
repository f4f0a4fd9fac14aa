import Foundation
import Logging
import PagewireCore

/// `mail.notice`: the answer to a message the e-mail-to-fax gateway took, through the SMTP
/// relay. A relay that is down fails the item and the queue retries it.
struct MailNoticeHandler: WorkHandler {
    let kind = MailNotice.kind
    /// Nil when no relay is configured (`mail.smtp_url`): the notice cannot go anywhere.
    let sender: MailNoticeSender?
    let logger: Logger

    func handle(_ item: WorkItem) async throws {
        let notice = try JSONDecoder().decode(MailNotice.self, from: Data(item.payload.utf8))
        guard let sender else {
            logger.warning("no mail.smtp_url: the answer to e-mail \(notice.mailMessageID) (\(notice.resultCode)) was not sent")
            return
        }
        try await sender.send(notice)
        logger.info("answered e-mail \(notice.mailMessageID): \(notice.resultCode)")
    }
}
