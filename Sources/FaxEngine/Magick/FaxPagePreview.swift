private import CMagickWand

/// PNG previews of fax pages (portal thumbnails and the fax detail view), made in-process with
/// MagickWand from pages already in memory.
///
/// Only pages Pagewire decoded itself (bilevel bits from `FaxTIFF`) come here, so no untrusted
/// file format is ever parsed in this process; uploads go through `DocumentRenderer`'s sandbox.
public enum FaxPagePreview {
    /// Why a preview could not be made.
    public enum PreviewError: Error, Sendable, Equatable {
        /// MagickWand reported an error.
        case magick(String)
    }

    private static let genesis: Void = { MagickWandGenesis() }()

    /// A greyscale PNG of `page`, `width` pixels wide, with the page's true proportions
    /// (standard-resolution pages are stretched to square pixels).
    public static func png(of page: FaxPage, width: Int = 400) throws(PreviewError) -> [UInt8] {
        _ = genesis
        guard let wand = NewMagickWand() else { throw .magick("cannot allocate a wand") }
        defer { DestroyMagickWand(wand) }
        var grey = [UInt8](repeating: 255, count: page.width * page.height)
        for y in 0..<page.height {
            for x in 0..<page.width where page[x, y] { grey[y * page.width + x] = 0 }
        }
        let constituted = grey.withUnsafeBytes { buffer in
            MagickConstituteImage(wand, page.width, page.height, "I", CharPixel, buffer.baseAddress)
        }
        guard constituted == MagickTrue else { throw .magick(exception(wand)) }
        let trueHeight = Double(page.height) * page.xDPI / max(page.yDPI, 1)
        let height = max(1, Int((trueHeight * Double(width) / Double(page.width)).rounded()))
        guard MagickResizeImage(wand, width, height, LanczosFilter, 1.0) == MagickTrue,
              MagickSetImageFormat(wand, "PNG") == MagickTrue
        else { throw .magick(exception(wand)) }
        var length = 0
        guard let blob = MagickGetImageBlob(wand, &length) else { throw .magick(exception(wand)) }
        defer { MagickRelinquishMemory(blob) }
        return Array(UnsafeBufferPointer(start: blob, count: length))
    }

    private static func exception(_ wand: OpaquePointer) -> String {
        var severity = UndefinedException
        guard let text = MagickGetException(wand, &severity) else { return "unknown" }
        defer { MagickRelinquishMemory(text) }
        return String(cString: text)
    }
}
