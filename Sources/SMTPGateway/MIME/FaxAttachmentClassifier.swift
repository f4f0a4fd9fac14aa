import FaxEngine
import PagewireCore

/// Accepts the attachments the fax engine renders (decided from their bytes, like the renderer
/// does): PDF, TIFF, PNG, JPEG, GIF, plain text and office documents.
public struct FaxAttachmentClassifier: AttachmentClassifier {
    /// A classifier.
    public init() {}

    /// Nil for a document the renderer takes, else the reason for the notice.
    public func problem(with attachment: MailAttachment) -> String? {
        guard !attachment.bytes.isEmpty else { return "the file is empty" }
        switch FaxEngine.DocumentKind.detect(head: Array(attachment.bytes.prefix(4096)), fileName: attachment.name) {
        case .pdf, .tiff, .png, .jpeg, .gif, .text, .office: return nil
        case .svg, .postscript: return "SVG and PostScript files are refused (they can run code); send a PDF"
        case .unknown: return "this file type cannot be faxed; send PDF, TIFF, PNG, JPEG, GIF, plain text or office documents"
        }
    }
}
