import Foundation

/// The e-mails the contact of a port request gets at each update, branded for the reseller.
public enum PortNotice {
    /// What happened to the request.
    public enum Event: String, Sendable, CaseIterable {
        case submitted
        case inProgress = "in_progress"
        case scheduled, completed, rejected, cancelled
        /// The porting team wrote in the notes thread.
        case note
    }

    /// Work kind `pagewire-jobs` sends these with (payload `{"request_id": N, "event": "…"}`).
    public static let workKind = "port.notice"

    /// Queues the e-mail inside the transaction that changed the request (an outbox).
    public static func record(on connection: DatabaseConnection, requestID: Int64, event: Event, now: Date) throws {
        try WorkQueue.enqueue(
            on: connection, kind: workKind, payload: "{\"request_id\":\(requestID),\"event\":\"\(event.rawValue)\"}", runAt: now, maxAttempts: 20,
            dedupeKey: "\(workKind).\(requestID).\(event.rawValue).\(Int64(now.timeIntervalSince1970 * 1000))")
    }

    /// The subject and text of the e-mail for `event` about `request`, signed with `brand`.
    public static func compose(_ event: Event, request: PortRequest, latestStaffNote: String?, brand: Brand) -> (subject: String, body: String) {
        let id = request.trackingID
        let numbers = request.details.numbers.map { (try? E164Number(parsing: $0).formatted) ?? $0 }
        let subject: String
        var lines = ["Hello \(request.details.contactName),", ""]
        switch event {
        case .submitted:
            subject = "Port request \(id) received"
            lines += ["We received your request to port \(numbers.count) number(s) to \(brand.name). Our porting team will check it",
                      "and send it to your current carrier. Keep your current service active until the port completes."]
        case .inProgress:
            subject = "Port request \(id) sent to your current carrier"
            lines += ["Your port request was sent to your current carrier. Its details can no longer be changed;",
                      "we will write again when the carrier confirms a date."]
        case .scheduled:
            subject = "Port request \(id) scheduled for \(request.focDate ?? "a confirmed date")"
            lines += ["Your current carrier confirmed the port date (FOC): \(request.focDate ?? "to be confirmed").",
                      "Your numbers move to \(brand.name) on that day. Keep your current service active until then."]
        case .completed:
            subject = "Port request \(id) completed"
            lines += ["Your numbers are now with \(brand.name) and receive faxes here."]
        case .rejected:
            subject = "Port request \(id) needs your action"
            lines += ["Your port request was rejected:", "", "    \(request.rejectionReason ?? "no reason given")", "",
                      "Action required: correct the request in the portal (the business name, billing telephone number and",
                      "service address must match your current carrier's records exactly), sign the letter of authorization",
                      "again if you changed them, and resubmit."]
        case .cancelled:
            subject = "Port request \(id) cancelled"
            lines += ["Your port request was cancelled. The numbers stay with your current carrier."]
        case .note:
            subject = "New message about port request \(id)"
            lines += ["The porting team wrote:", "", latestStaffNote.map { "    " + $0.replacingOccurrences(of: "\n", with: "\n    ") } ?? ""]
        }
        lines += ["", "Numbers: " + numbers.joined(separator: ", "), "Tracking ID: \(id)", "Status: \(request.state.title)", "",
                  "— \(brand.name)" + (brand.supportEmail.map { " · \($0)" } ?? "")]
        return (subject, lines.joined(separator: "\n"))
    }
}

/// Sends `port.notice` e-mails through the notice relay.
public struct PortNoticeSender: Sendable {
    public let database: Database
    public let relay: FaxNotifier.Relay

    public init(database: Database, relay: FaxNotifier.Relay) {
        self.database = database
        self.relay = relay
    }

    /// Sends the e-mail for `event` about `requestID`; throws when the relay refuses (the queue retries).
    public func send(_ event: PortNotice.Event, requestID: Int64, now: Date = Date()) async throws {
        let loaded: (PortRequest, String?)? = try await database.withConnection { c in
            guard let request = try PortRequestRepository.fetch(c, id: requestID, scope: nil) else { return nil }
            let note: String? = try c.query(
                "SELECT body FROM port_request_notes WHERE request_id = ? AND staff = 1 AND automatic = 0 ORDER BY id DESC LIMIT 1", requestID
            ).first?.get("body")
            return (request, note)
        }
        guard let (request, note) = loaded else { return }
        let brand = try await BrandRepository(database: database).brand(above: request.companyID)
        let (subject, body) = PortNotice.compose(event, request: request, latestStaffNote: note, brand: brand)
        let domain = relay.from.split(separator: "@").last.map(String.init) ?? "pagewire.local"
        let message = MailMessage(
            from: relay.from, fromName: brand.name, to: request.details.contactEmail, subject: subject,
            messageID: "<port-\(requestID)-\(event.rawValue)-\(Int64(now.timeIntervalSince1970 * 1000))@\(domain)>", date: now, body: body)
        try await Curl.sendMail(
            url: relay.url, from: relay.from, recipients: [request.details.contactEmail], message: message.rfc5322,
            username: relay.username, password: relay.password)
    }
}
