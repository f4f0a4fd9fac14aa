import Foundation
import PagewireCore

/// Runs `mail.intake` work: turns a stored message into faxes or a refusal plus its notice.
public struct MailIntakeHandler: WorkHandler {
    /// `mail.intake`.
    public let kind = MailIntake.processKind
    /// The intake that processes.
    public let intake: MailIntake

    /// A handler over `intake`.
    public init(intake: MailIntake) {
        self.intake = intake
    }

    /// Processes one stored message; on its last attempt a failure becomes an answered refusal.
    public func handle(_ item: WorkItem) async throws {
        struct Payload: Decodable { let mail_message_id: Int64 }
        let payload = try JSONDecoder().decode(Payload.self, from: Data(item.payload.utf8))
        do {
            try await intake.process(messageID: payload.mail_message_id)
        } catch where item.attempts >= item.maxAttempts {
            // No retry is left: refuse and answer rather than leave the message unanswered.
            try await intake.giveUp(messageID: payload.mail_message_id, reason: String(describing: error).prefix(200).description)
        }
    }
}
