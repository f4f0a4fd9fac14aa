import Foundation
import Logging
import PagewireCore

/// `password.reset_mail`: e-mails a one-time password-reset link (see `PasswordResetMailer`).
/// Without a relay (`mail.smtp_url`) the request cannot be answered and is dropped with a warning.
struct PasswordResetMailHandler: WorkHandler {
    let kind = PasswordReset.mailKind
    let mailer: PasswordResetMailer?
    let logger: Logger

    func handle(_ item: WorkItem) async throws {
        guard let mailer else {
            logger.warning("no mail.smtp_url: a password-reset link could not be sent")
            return
        }
        let outcome = try await mailer.handle(payload: item.payload)
        // Never the login or the link: whether a login exists is not for the log either.
        logger.info("password reset request handled", metadata: ["work.id": "\(item.id)", "reset.sent": "\(outcome == .sent)"])
    }
}
