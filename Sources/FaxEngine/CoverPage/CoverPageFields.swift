import Foundation

/// The values a cover page template's tokens are replaced with.
public struct CoverPageFields: Sendable, Equatable {
    public var senderName = ""
    public var senderCompany = ""
    public var senderFax = ""
    public var senderPhone = ""
    public var senderEmail = ""
    public var recipientName = ""
    public var recipientCompany = ""
    public var recipientFax = ""
    public var subject = ""
    public var message = ""
    /// Total pages of the fax, cover page included.
    public var pageCount = 1
    /// When the fax is sent.
    public var date = Date()
    /// The account's time zone.
    public var timeZone = TimeZone(identifier: "UTC")!
    /// The account's date format (Unicode pattern, e.g. "MM/dd/yyyy h:mm a").
    public var dateFormat = "MMMM d, yyyy h:mm a zzz"
    /// The company logo (PNG, JPEG or GIF), if any.
    public var logo: URL?

    /// Empty fields.
    public init() {}

    /// The token table.
    var tokens: [String: String] {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = dateFormat
        return [
            "sender_name": senderName, "sender_company": senderCompany, "sender_fax": senderFax,
            "sender_phone": senderPhone, "sender_email": senderEmail, "recipient_name": recipientName,
            "recipient_company": recipientCompany, "recipient_fax": recipientFax, "subject": subject,
            "message": message, "page_count": String(pageCount), "date": formatter.string(from: date),
        ]
    }
}
