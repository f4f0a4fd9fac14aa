import Foundation

/// A file delivered with a received fax (a page set, one page, or the metadata).
public struct InboundFile: Sendable, Equatable {
    public var name: String
    public var contentType: String
    public var bytes: [UInt8]

    public init(name: String, contentType: String, bytes: [UInt8]) {
        self.name = name
        self.contentType = contentType
        self.bytes = bytes
    }
}

/// The fax-to-email message: a text part and the fax files as base64 attachments
/// (multipart/mixed), with the headers an automatic sender sets.
public struct InboundMailMessage: Sendable {
    public var from: String
    public var fromName: String
    public var to: String
    public var subject: String
    public var messageID: String
    public var date: Date
    public var body: String
    public var files: [InboundFile]

    public init(from: String, fromName: String, to: String, subject: String, messageID: String, date: Date, body: String, files: [InboundFile]) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.messageID = messageID
        self.date = date
        self.body = body
        self.files = files
    }

    /// The subject and text for `fax`: "potentially partial" is in the subject when reception ended early.
    public static func subjectAndBody(fax: InboundFax, options: InboundDeliveryOptions, brand: String) -> (String, String) {
        let caller = fax.callerNumber.isEmpty ? "an unknown number" : ((try? E164Number(parsing: fax.callerNumber).formatted) ?? fax.callerNumber)
        let called = (try? E164Number(parsing: fax.calledNumber).formatted) ?? fax.calledNumber
        if fax.direction == "outbound" {
            let result = fax.state == .delivered ? "delivered" : "\(fax.state.rawValue.replacingOccurrences(of: "_", with: " ")): \(fax.resultCode?.title ?? "General Error")"
            let lines = [
                "Archive copy of a fax sent to \(called) (\(result)).", "",
                "Sent: \(InboundTokens.localTime(fax.receivedAt, options: options)) (\(options.timeZone))",
                "Pages sent: \(fax.pages)", "Fax ID: \(fax.id)", "", "— \(brand) fax service",
            ]
            return ("Archive: fax to \(called) (\(result))", lines.joined(separator: "\n"))
        }
        var subject = "Fax from \(caller) (\(fax.pages) page\(fax.pages == 1 ? "" : "s"))"
        if fax.partial { subject = "[Potentially partial] " + subject }
        var lines = [
            "You received a fax on \(called) from \(caller).", "",
            "Received: \(InboundTokens.localTime(fax.receivedAt, options: options)) (\(options.timeZone))",
            "Pages: \(fax.pages)", "Fax ID: \(fax.id)",
        ]
        if let csid = fax.remoteCSID, !csid.isEmpty { lines.append("Remote fax ID: \(csid)") }
        if fax.partial {
            lines += ["", "The call ended before the sender finished: this fax is potentially partial (pages may be missing)."]
        }
        lines += ["", "— \(brand) fax service"]
        return (subject, lines.joined(separator: "\n"))
    }

    /// The message bytes, CRLF line ends.
    public var rfc5322: [UInt8] {
        let boundary = "=_pagewire_" + messageID.filter { $0.isLetter || $0.isNumber }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        var text = [
            "From: \(MailMessage.encodeWord(fromName)) <\(from)>",
            "To: <\(to)>",
            "Subject: \(MailMessage.encodeWord(subject))",
            "Date: \(formatter.string(from: date))",
            "Message-ID: \(messageID)",
            "Auto-Submitted: auto-generated",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"\(boundary)\"",
            "", "This is a multi-part message in MIME format.",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit", "",
            body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n"),
        ].joined(separator: "\r\n") + "\r\n"
        for file in files {
            let name = file.name.filter { $0.isASCII && $0 != "\"" && $0 != "\\" && !$0.isNewline }
            text += "--\(boundary)\r\nContent-Type: \(file.contentType); name=\"\(name)\"\r\n"
            text += "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"\(name)\"\r\n\r\n"
            let encoded = Data(file.bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
            text += encoded + "\r\n"
        }
        text += "--\(boundary)--\r\n"
        return Array(text.utf8)
    }
}
