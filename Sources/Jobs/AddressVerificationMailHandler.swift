import Foundation
import Logging
import PagewireCore

/// `mail.address_verification`: e-mails the link that confirms a self-registered sending address.
struct AddressVerificationMailHandler: WorkHandler {
    let kind = SendingAddressVerification.mailKind
    let mailer: SendingAddressVerificationMailer?
    let logger: Logger

    func handle(_ item: WorkItem) async throws {
        guard let mailer else {
            logger.warning("no mail.smtp_url: a sending-address confirmation could not be sent")
            return
        }
        try await mailer.handle(payload: item.payload)
        logger.info("sending-address confirmation sent", metadata: ["work.id": "\(item.id)"])
    }
}
