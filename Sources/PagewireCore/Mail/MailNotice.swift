import Foundation

/// An e-mail Pagewire sends about a submission, queued as work of kind `mail.notice`; the
/// outgoing mail sender turns the payload into a message with these headers.
public struct MailNotice: Codable, Sendable, Equatable {
    /// The work kind of notices.
    public static let kind = "mail.notice"

    /// The one address the notice goes to.
    public var to: String
    /// Subject line (plain UTF-8; the sender encodes it).
    public var subject: String
    /// Plain-text body.
    public var text: String
    /// Extra headers: always `Auto-Submitted: auto-generated`; `In-Reply-To`/`References`
    /// when the submission had a Message-ID.
    public var headers: [String: String]
    /// `ok` for an accepted submission, else the refusal's result code.
    public var resultCode: String
    /// The `mail_messages` row this answers.
    public var mailMessageID: Int64
    /// The faxes created (one per recipient); empty when refused.
    public var faxIDs: [Int64]

    /// A notice; `Auto-Submitted: auto-generated` is always set.
    public init(to: String, subject: String, text: String, inReplyTo: String?, resultCode: String, mailMessageID: Int64, faxIDs: [Int64]) {
        self.to = to
        self.subject = subject
        self.text = text
        var headers = ["Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"]
        if let id = inReplyTo, !id.isEmpty {
            headers["In-Reply-To"] = "<\(id)>"
            headers["References"] = "<\(id)>"
        }
        self.headers = headers
        self.resultCode = resultCode
        self.mailMessageID = mailMessageID
        self.faxIDs = faxIDs
    }

    enum CodingKeys: String, CodingKey {
        case to, subject, text, headers
        case resultCode = "result_code"
        case mailMessageID = "mail_message_id"
        case faxIDs = "fax_ids"
    }

    /// The JSON payload of the work item.
    public func payload() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Adds the notice to the queue inside the caller's transaction, once per mail message.
    public func enqueue(on connection: DatabaseConnection, now: Date) throws {
        try WorkQueue.enqueue(
            on: connection, kind: Self.kind, payload: try payload(), runAt: now, maxAttempts: 20,
            dedupeKey: "mail.notice.\(mailMessageID)")
    }
}
