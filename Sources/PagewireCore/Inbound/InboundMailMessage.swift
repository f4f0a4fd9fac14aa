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
/// (multipart/mixed, written by `MailMessage`), with the headers an automatic sender sets.
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

    /// The message bytes, CRLF line ends: the notice format of `MailMessage` with the files attached.
    public var rfc5322: [UInt8] {
        var message = MailMessage(from: from, fromName: fromName, to: to, subject: subject, messageID: messageID, date: date, body: body)
        message.attachments = files.map { MailMessage.Attachment(filename: $0.name, contentType: $0.contentType, bytes: $0.bytes) }
        return message.rfc5322
    }
}
