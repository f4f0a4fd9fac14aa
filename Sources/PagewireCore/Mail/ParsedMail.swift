/// One attachment of an e-mail, decoded (base64 / quoted-printable undone), in message order.
public struct MailAttachment: Sendable, Equatable {
    /// The file name after RFC 2231 / RFC 2047 decoding; may be empty.
    public var name: String
    /// The declared media type, lower case (e.g. `application/pdf`).
    public var contentType: String
    /// The decoded bytes.
    public var bytes: [UInt8]

    /// An attachment.
    public init(name: String, contentType: String, bytes: [UInt8]) {
        self.name = name
        self.contentType = contentType
        self.bytes = bytes
    }
}

/// What e-mail to fax needs from a MIME message, independent of the MIME library that read it.
public struct ParsedMail: Sendable, Equatable {
    /// The first mailbox of `From`, as written (not yet normalised).
    public var fromAddress: String?
    /// The display name of that mailbox.
    public var fromName: String
    /// The decoded subject (RFC 2047 words turned into UTF-8).
    public var subject: String
    /// `Message-ID` without angle brackets.
    public var messageID: String?
    /// The top-level body text (plain text, or HTML reduced to text), trimmed.
    public var bodyText: String
    /// Documents in the order they appear, forwarded messages included; inline images excluded.
    public var attachments: [MailAttachment]
    /// Headers that say whether the message is automatic, lower-case names: `auto-submitted`,
    /// `precedence`, `x-auto-response-suppress`, `list-id`.
    public var automaticHeaders: [String: String]
    /// A part that hides documents we cannot read (Outlook's winmail.dat): refused with this reason.
    public var unreadablePart: String?

    /// A parsed message.
    public init(
        fromAddress: String?, fromName: String = "", subject: String = "", messageID: String? = nil, bodyText: String = "",
        attachments: [MailAttachment] = [], automaticHeaders: [String: String] = [:], unreadablePart: String? = nil
    ) {
        self.fromAddress = fromAddress
        self.fromName = fromName
        self.subject = subject
        self.messageID = messageID
        self.bodyText = bodyText
        self.attachments = attachments
        self.automaticHeaders = automaticHeaders
        self.unreadablePart = unreadablePart
    }
}

/// Reads raw RFC 5322 bytes into a `ParsedMail` (the SMTP gateway provides one over GMime).
public protocol MailParser: Sendable {
    /// Parses a message; throws when the bytes are not a message at all.
    func parse(_ raw: [UInt8]) throws -> ParsedMail
}

/// Decides whether an attachment is a document the fax engine renders.
public protocol AttachmentClassifier: Sendable {
    /// Nil when the attachment can be faxed, else the reason it cannot (for the notice).
    func problem(with attachment: MailAttachment) -> String?
}
