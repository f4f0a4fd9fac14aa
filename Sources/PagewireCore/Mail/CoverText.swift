/// The words of a cover page asked for by e-mail: the subject and the body text. Stored as an
/// encrypted vault document (role `cover` of the fax), never in a clear column, because the
/// body is content like any attachment. The renderer fills `CoverPageFields` from it.
public struct CoverText: Codable, Sendable, Equatable {
    /// The media type of the stored JSON.
    public static let contentType = "application/vnd.pagewire.cover+json"

    /// Cover-page subject (the e-mail's subject).
    public var subject: String
    /// Cover-page message (the e-mail's body text).
    public var message: String
    /// The sender's name (From display name, else the user's name).
    public var senderName: String
    /// The sender's e-mail address.
    public var senderEmail: String

    /// Cover text.
    public init(subject: String, message: String, senderName: String, senderEmail: String) {
        self.subject = subject
        self.message = message
        self.senderName = senderName
        self.senderEmail = senderEmail
    }

    enum CodingKeys: String, CodingKey {
        case subject, message
        case senderName = "sender_name"
        case senderEmail = "sender_email"
    }
}
