/// Why a fax TIFF cannot be sent or read; each reason is worded for the user who sent the document.
public enum FaxDocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a TIFF, truncated, or corrupt.
    case unreadable(String)
    /// No pages at all.
    case noPages
    /// A page is not a bilevel image (colour or greyscale must be rendered first).
    case notBilevel(page: Int)
    /// A page is not 1728 pixels wide (3456 at 408 dpi).
    case wrongWidth(page: Int, width: Int)
    /// A page has no usable resolution (fine pages would arrive twice as tall).
    case missingResolution(page: Int)
    /// A page's image data is damaged.
    case corruptPage(page: Int)

    /// The reason in words a user understands.
    public var description: String {
        switch self {
        case .unreadable(let detail): "The fax document could not be read (\(detail))."
        case .noPages: "The fax document has no pages."
        case .notBilevel(let page): "Page \(page) is not a black-and-white fax image."
        case .wrongWidth(let page, let width): "Page \(page) is \(width) pixels wide; fax pages must be 1728 (3456 at 408 dpi)."
        case .missingResolution(let page): "Page \(page) has no resolution."
        case .corruptPage(let page): "The image data of page \(page) is damaged."
        }
    }
}
