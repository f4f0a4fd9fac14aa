import Foundation
import Logging
import PagewireCore

/// `port.notice`: the e-mail to a port request's contact at each update, through the SMTP relay.
struct PortNoticeHandler: WorkHandler {
    let kind = PortNotice.workKind
    /// Nil when no relay is configured (`mail.smtp_url`).
    let sender: PortNoticeSender?
    let logger: Logger

    private struct Payload: Decodable {
        let request_id: Int64
        let event: String
    }

    func handle(_ item: WorkItem) async throws {
        let payload = try JSONDecoder().decode(Payload.self, from: Data(item.payload.utf8))
        guard let event = PortNotice.Event(rawValue: payload.event) else {
            logger.warning("port.notice for request \(payload.request_id) names an unknown event; dropped")
            return
        }
        guard let sender else {
            logger.warning("no mail.smtp_url: the \(event.rawValue) notice of port request \(payload.request_id) was not sent")
            return
        }
        try await sender.send(event, requestID: payload.request_id)
        logger.info("port request \(payload.request_id): \(event.rawValue) notice sent")
    }
}
