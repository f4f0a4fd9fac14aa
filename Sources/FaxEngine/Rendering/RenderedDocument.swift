import Foundation

/// A fax TIFF produced by the renderer.
public struct RenderedDocument: Sendable, Equatable {
    /// The multi-page Group 4 TIFF, ready for `FaxSession`.
    public var url: URL
    /// Its page count.
    public var pages: Int
    /// The resolution it was rendered at.
    public var resolution: FaxResolution
}
