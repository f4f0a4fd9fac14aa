import Foundation

/// Sends the e-mail gateway's answers (`mail.notice` work: accepted with the fax ids, or refused
/// with the reason) through the same SMTP relay as the fax notices, as automatic replies
/// (`Auto-Submitted`, `In-Reply-To` the sender's message) so no mail loop can start.
public struct MailNoticeSender: Sendable {
    public let relay: FaxNotifier.Relay

    /// A sender through `relay`.
    public init(relay: FaxNotifier.Relay) {
        self.relay = relay
    }

    /// Sends one notice; throws when the relay refuses or cannot be reached (the queue retries).
    public func send(_ notice: MailNotice, now: Date = Date()) async throws {
        let domain = relay.from.split(separator: "@").last.map(String.init) ?? "pagewire.local"
        let message = MailMessage(
            from: relay.from, fromName: "Fax service", to: notice.to, subject: notice.subject,
            messageID: "<mail-\(notice.mailMessageID)-notice@\(domain)>", date: now, body: notice.text,
            extraHeaders: notice.headers)
        try await Curl.sendMail(
            url: relay.url, from: relay.from, recipients: [notice.to], message: message.rfc5322,
            username: relay.username, password: relay.password)
    }
}
