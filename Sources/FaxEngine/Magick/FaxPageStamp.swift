private import CMagickWand

/// Stamps one line of text into the top (header) or bottom (footer) margin of a fax page, as
/// black-on-white bilevel pixels, with MagickWand drawing onto an image built from pages
/// Pagewire decoded itself (no untrusted file is parsed here).
public enum FaxPageStamp {
    /// Why a page could not be stamped.
    public enum StampError: Error, Sendable, Equatable {
        /// MagickWand reported an error.
        case magick(String)
    }

    /// Where on the page.
    public enum Edge: Sendable { case top, bottom }

    private static let genesis: Void = { MagickWandGenesis() }()

    /// The font used (DejaVu Sans from fonts-dejavu-core, which ImageMagick's packages pull in).
    public static let fontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

    /// `page` with `text` in a white strip about 0.16 inch tall at `edge` (what was under the
    /// strip is cleared so the text stays readable).
    public static func stamp(_ text: String, on page: FaxPage, at edge: Edge) throws(StampError) -> FaxPage {
        _ = genesis
        // Draw at square pixels (xDPI both ways), then scale rows to the page's vertical resolution.
        let stripHeight = max(8, Int((0.16 * page.xDPI).rounded()))
        let width = page.width
        guard let wand = NewMagickWand() else { throw .magick("cannot allocate a wand") }
        defer { DestroyMagickWand(wand) }
        guard let white = NewPixelWand(), let black = NewPixelWand(), let draw = NewDrawingWand() else { throw .magick("cannot allocate a wand") }
        defer {
            DestroyPixelWand(white)
            DestroyPixelWand(black)
            DestroyDrawingWand(draw)
        }
        PixelSetColor(white, "white")
        PixelSetColor(black, "black")
        guard MagickNewImage(wand, width, stripHeight, white) == MagickTrue else { throw .magick(exception(wand)) }
        DrawSetFont(draw, fontPath)
        DrawSetFontSize(draw, Double(stripHeight) * 0.75)
        DrawSetFillColor(draw, black)
        DrawSetTextAntialias(draw, MagickFalse)
        let margin = Double(page.xDPI) * 0.25
        guard MagickAnnotateImage(wand, draw, margin, Double(stripHeight) * 0.8, 0, text) == MagickTrue else { throw .magick(exception(wand)) }
        let rows = max(1, Int((Double(stripHeight) * page.yDPI / max(page.xDPI, 1)).rounded()))
        guard rows < page.height else { return page }
        if rows != stripHeight {
            guard MagickResizeImage(wand, width, rows, PointFilter, 1.0) == MagickTrue else { throw .magick(exception(wand)) }
        }
        var grey = [UInt8](repeating: 255, count: width * rows)
        let exported = grey.withUnsafeMutableBytes { buffer in
            MagickExportImagePixels(wand, 0, 0, width, rows, "I", CharPixel, buffer.baseAddress)
        }
        guard exported == MagickTrue else { throw .magick(exception(wand)) }
        var stamped = page
        let top = edge == .top ? 0 : page.height - rows
        for y in 0..<rows {
            for x in 0..<width { stamped[x, top + y] = grey[y * width + x] < 128 }
        }
        return stamped
    }

    private static func exception(_ wand: OpaquePointer) -> String {
        var severity = UndefinedException
        guard let text = MagickGetException(wand, &severity) else { return "unknown" }
        defer { MagickRelinquishMemory(text) }
        return String(cString: text)
    }
}
