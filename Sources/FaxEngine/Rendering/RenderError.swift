import PagewireCore

/// Why a document could not become fax pages. Every case is shown to the sender as
/// `invalid_attachment` with `reason` as the detail.
public enum RenderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file type is not one we accept (or is refused for safety, like SVG and PostScript).
    case unsupportedType(String)
    /// The file is damaged or truncated.
    case damaged(String)
    /// The PDF needs a password.
    case passwordProtected
    /// Nothing to print.
    case noPages
    /// More pages than the account allows.
    case tooManyPages(limit: Int)
    /// The image is larger than the pixel limit (decompression or pixel bomb).
    case tooManyPixels(width: Int, height: Int)
    /// The image is too thin to print (e.g. 1 × 100000).
    case degenerateImage(width: Int, height: Int)
    /// The renderer ran out of time or memory.
    case resourceLimit(String)
    /// A required tool is not installed.
    case toolMissing(String)
    /// Anything else the renderer reported.
    case failed(String)

    /// Always `invalid_attachment`: the document, not the line, is at fault.
    public var resultCode: ResultCode { .invalidAttachment }

    /// What the sender is told.
    public var description: String {
        switch self {
        case .unsupportedType(let kind): "Files of this type (\(kind)) cannot be faxed; send a PDF, an image, a text file or an office document."
        case .damaged(let detail): "The document is damaged or incomplete and cannot be read (\(detail))."
        case .passwordProtected: "The PDF is protected by a password; remove the password and send it again."
        case .noPages: "The document has no pages to fax."
        case .tooManyPages(let limit): "The document has more than \(limit) pages, the most one fax may carry."
        case .tooManyPixels(let width, let height): "The image is \(width) × \(height) pixels, too large to process."
        case .degenerateImage(let width, let height): "The image is \(width) × \(height) pixels, too thin to print on a fax page."
        case .resourceLimit(let detail): "The document needed too much time or memory to render (\(detail))."
        case .toolMissing(let tool): "The converter for this document (\(tool)) is not installed."
        case .failed(let detail): "The document could not be converted (\(detail))."
        }
    }
}
