import Foundation
import Logging
import PagewireCore

/// `webhook.fanout`: one fax event → one delivery (and its send work) per subscribed endpoint.
struct WebhookFanOutHandler: WorkHandler {
    let kind = WebhookEvent.fanOutKind
    let webhooks: WebhookRepository

    struct Payload: Decodable {
        let fax_id: Int64
        let event: String
    }

    func handle(_ item: WorkItem) async throws {
        let payload = try JSONDecoder().decode(Payload.self, from: Data(item.payload.utf8))
        guard let event = WebhookEvent(rawValue: payload.event) else { return }
        try await webhooks.fanOut(faxID: payload.fax_id, event: event)
    }
}

/// `webhook.deliver`: POSTs one signed event. A non-2xx answer or a transport error fails the
/// work item, and the queue retries it with growing back-off (about a day in all); every attempt
/// is written to the delivery log.
struct WebhookDeliveryHandler: WorkHandler {
    let kind = WebhookEvent.deliverKind
    let webhooks: WebhookRepository
    let allowPrivateTargets: Bool
    let logger: Logger

    struct Payload: Decodable { let delivery_id: Int64 }

    struct DeliveryFailed: Error, CustomStringConvertible {
        let description: String
    }

    func handle(_ item: WorkItem) async throws {
        let deliveryID = try JSONDecoder().decode(Payload.self, from: Data(item.payload.utf8)).delivery_id
        guard let dispatch = try await webhooks.dispatch(deliveryID) else { return }  // endpoint deleted
        let final = item.attempts >= item.maxAttempts
        let target: WebhookTargetPolicy.Target
        do {
            target = try await WebhookTargetPolicy.check(dispatch.url, allowPrivate: allowPrivateTargets)
        } catch {
            try await webhooks.recordAttempt(deliveryID, statusCode: nil, error: "\(error)", delivered: false, final: final)
            throw DeliveryFailed(description: "\(error)")
        }
        let body = Array(dispatch.payload.utf8)
        let timestamp = Int(Date().timeIntervalSince1970)
        let headers = [
            "Content-Type: application/json",
            "User-Agent: Pagewire-Webhooks/1",
            "Pagewire-Event: \(dispatch.event.rawValue)",
            "Pagewire-Delivery: \(deliveryID)",
            "\(WebhookSignature.headerName): \(WebhookSignature.header(secret: dispatch.secret, timestamp: timestamp, body: body))",
        ]
        do {
            let response = try await Curl.post(
                url: dispatch.url, headers: headers, body: body, pinnedAddress: (target.host, target.port, target.address))
            let delivered = (200..<300).contains(response.status)
            try await webhooks.recordAttempt(
                deliveryID, statusCode: response.status, error: delivered ? nil : "the endpoint answered \(response.status)",
                delivered: delivered, final: final)
            guard delivered else { throw DeliveryFailed(description: "the endpoint answered \(response.status)") }
        } catch let error as CurlError {
            try await webhooks.recordAttempt(deliveryID, statusCode: nil, error: error.description, delivered: false, final: final)
            throw DeliveryFailed(description: error.description)
        }
    }
}
