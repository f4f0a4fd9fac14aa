import Foundation

/// A plain-text notice as an RFC 5322 message, with the headers an automatic sender must set
/// (`Date`, `Message-ID`, `Auto-Submitted: auto-generated`); non-ASCII header text is RFC 2047 encoded.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var fromName: String
    public var to: String
    public var subject: String
    public var messageID: String
    public var date: Date
    public var body: String
    /// Further headers (`In-Reply-To`, `References`, …), written after the standard ones.
    public var extraHeaders: [String: String]

    public init(from: String, fromName: String, to: String, subject: String, messageID: String, date: Date, body: String,
                extraHeaders: [String: String] = [:]) {
        self.extraHeaders = extraHeaders
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.messageID = messageID
        self.date = date
        self.body = body
    }

    /// The message bytes, CRLF line ends, body in UTF-8 (8bit).
    public var rfc5322: [UInt8] {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let headers = [
            "From: \(Self.encodeWord(fromName)) <\(from)>",
            "To: <\(to)>",
            "Subject: \(Self.encodeWord(subject))",
            "Date: \(formatter.string(from: date))",
            "Message-ID: \(messageID)",
            "Auto-Submitted: auto-generated",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
        ] + extraHeaders.sorted { $0.key < $1.key }.compactMap { name, value in
            // Standard headers are not repeated; a name or value can never start a new header line.
            let standard = ["from", "to", "subject", "date", "message-id", "auto-submitted", "mime-version", "content-type", "content-transfer-encoding"]
            guard !standard.contains(name.lowercased()), name.allSatisfy({ $0.isLetter || $0 == "-" }) else { return nil }
            return "\(name): \(Self.encodeWord(value))"
        }
        // Strip CR/LF from header values' sources above; dot-stuffing is libcurl's job.
        let text = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        return Array((headers.joined(separator: "\r\n") + "\r\n\r\n" + text + "\r\n").utf8)
    }

    /// An RFC 2047 encoded word when the text is not plain printable ASCII; never a line break.
    static func encodeWord(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return clean }
        return "=?UTF-8?B?\(Data(clean.utf8).base64EncodedString())?="
    }
}
