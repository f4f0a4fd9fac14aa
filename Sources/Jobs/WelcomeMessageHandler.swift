import Foundation
import Logging
import PagewireCore

/// `user.welcome`: the welcome e-mail an administrator asked for, through the notice relay.
struct WelcomeMessageHandler: WorkHandler {
    let kind = WelcomeMessage.kind
    let database: Database
    /// Nil when no relay is configured (`mail.smtp_url`).
    let relay: FaxNotifier.Relay?
    let logger: Logger

    func handle(_ item: WorkItem) async throws {
        let message = try JSONDecoder().decode(WelcomeMessage.self, from: Data(item.payload.utf8))
        guard let relay else {
            logger.warning("no mail.smtp_url: the welcome message for user \(message.userID) was not sent")
            return
        }
        try await message.send(database: database, relay: relay)
        logger.info("welcome message sent", metadata: ["user.id": "\(message.userID)"])
    }
}
