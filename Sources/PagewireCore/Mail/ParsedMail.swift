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

