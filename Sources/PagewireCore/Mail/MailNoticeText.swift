/// The words of the initial notice: what happened to the e-mail, per recipient, and what to do.
enum MailNoticeText {
    static func notice(for outcome: MailIntake.Outcome, mail: ParsedMail, recipients: [String], to: String, messageID: Int64) -> MailNotice? {
        let subjectQuote = mail.subject.isEmpty ? "(no subject)" : mail.subject
        let names = mail.attachments.map { $0.name.isEmpty ? "(unnamed \($0.contentType))" : $0.name }
        switch outcome {
        case .accepted(let faxIDs):
            var lines = ["Your e-mail \"\(subjectQuote)\" was accepted for faxing.", ""]
            for (recipient, id) in zip(uniqueRecipients(recipients), faxIDs) {
                let number = (try? FaxMailAddress(parsing: recipient).number.formatted) ?? recipient
                lines.append("  To \(number): fax id \(id)")
            }
            lines.append("")
            lines.append(names.isEmpty ? "Documents: none (cover page only)" : "Documents, in this order: \(names.joined(separator: ", "))")
            lines.append("")
            lines.append("You will get another e-mail when each fax is delivered or finally fails.")
            lines.append("Reference: e-mail \(messageID)")
            return MailNotice(
                to: to, subject: "Fax accepted: \(subjectQuote)", text: lines.joined(separator: "\n"), inReplyTo: mail.messageID,
                resultCode: ResultCode.ok.rawValue, mailMessageID: messageID, faxIDs: faxIDs)
        case .refused(let code, let reason):
            var lines = ["Your e-mail \"\(subjectQuote)\" was not faxed: \(code.title).", "", "Reason: \(reason)", ""]
            lines.append("Recipients: \(recipients.joined(separator: ", "))")
            lines.append("")
            lines.append(hint(for: code))
            lines.append("Reference: e-mail \(messageID)")
            return MailNotice(
                to: to, subject: "Fax not sent: \(code.title)", text: lines.joined(separator: "\n"), inReplyTo: mail.messageID,
                resultCode: code.rawValue, mailMessageID: messageID, faxIDs: [])
        case .alreadyProcessed:
            return nil
        }
    }

    static func uniqueRecipients(_ recipients: [String]) -> [String] {
        var seen: Set<String> = []
        return recipients.filter { r in
            let key = (try? FaxMailAddress(parsing: r).number.value) ?? r
            return seen.insert(key).inserted
        }
    }

    static func hint(for code: ResultCode) -> String {
        switch code {
        case .unauthorizedSender:
            "Send from an address registered as a sending address of your user in the fax portal, or ask your administrator to add it."
        case .noAttachment: "Attach the document to fax (PDF, TIFF, an image, a text or an office file) and send the e-mail again."
        case .invalidAttachment: "Send PDF, TIFF, PNG, JPEG, GIF, plain text or office documents, attached as files."
        case .invalidNumber:
            "Address the e-mail to <fax number>@<your fax domain>: 10 digits for North America, or + / 00 / 011 and the country code, digits only."
        case .limitExceeded, .quotaExceeded: "Try again when your account's limit allows, or ask your administrator."
        case .blockedNumber: "Your account's blocklist refuses this number; ask your administrator."
        default: "Try again later or contact support with the reference below."
        }
    }
}
