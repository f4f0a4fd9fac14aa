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
    /// Files sent with the text (the message becomes `multipart/mixed`).
    public var attachments: [Attachment] = []

    /// A file attached to a notice, sent base64-encoded.
    public struct Attachment: Sendable, Equatable {
        public var filename: String
        public var contentType: String
        public var bytes: [UInt8]
        public init(filename: String, contentType: String, bytes: [UInt8]) {
            self.filename = filename
            self.contentType = contentType
            self.bytes = bytes
        }
    }

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
        ] + (attachments.isEmpty
            ? ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
            : ["Content-Type: multipart/mixed; boundary=\"\(boundary)\""]
        ) + extraHeaders.sorted { $0.key < $1.key }.compactMap { name, value in
            // Standard headers are not repeated; a name or value can never start a new header line.
            let standard = ["from", "to", "subject", "date", "message-id", "auto-submitted", "mime-version", "content-type", "content-transfer-encoding"]
            guard !standard.contains(name.lowercased()), name.allSatisfy({ $0.isLetter || $0 == "-" }) else { return nil }
            return "\(name): \(Self.encodeWord(value))"
        }
        // Strip CR/LF from header values' sources above; dot-stuffing is libcurl's job.
        let text = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        guard !attachments.isEmpty else { return Array((headers.joined(separator: "\r\n") + "\r\n\r\n" + text + "\r\n").utf8) }
        var parts = "--\(boundary)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\(text)\r\n"
        for file in attachments {
            let name = file.filename.filter { $0.isASCII && $0 != "\"" && $0 != "\\" && !$0.isNewline }
            let encoded = Data(file.bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
            parts += "--\(boundary)\r\nContent-Type: \(file.contentType); name=\"\(name)\"\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"\(name)\"\r\n\r\n\(encoded)\r\n"
        }
        parts += "--\(boundary)--\r\n"
        return Array((headers.joined(separator: "\r\n") + "\r\n\r\n" + parts).utf8)
    }

    /// The multipart boundary: derived from the message id, never found in base64 or in our text.
    var boundary: String {
        "=_pagewire_" + String(UInt64(truncatingIfNeeded: messageID.hashValue), radix: 36)
    }

    /// An RFC 2047 encoded word when the text is not plain printable ASCII; never a line break.
    static func encodeWord(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return clean }
        return "=?UTF-8?B?\(Data(clean.utf8).base64EncodedString())?="
    }
}
