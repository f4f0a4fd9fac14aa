/// Decides whether an attachment is a document the fax engine renders.
public protocol AttachmentClassifier: Sendable {
    /// Nil when the attachment can be faxed, else the reason it cannot (for the notice).
    func problem(with attachment: MailAttachment) -> String?
}
