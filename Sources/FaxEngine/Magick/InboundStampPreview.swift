import PagewireCore

/// The Custom tab's live preview of the inbound header/footer: made-up received pages (text
/// lines drawn as bars, with a sender's header line at the top, as real faxes carry) stamped
/// by `FaxPageStamp.stamp(_:with:fax:options:)`, the code inbound delivery runs, and shown as PNG.
public enum InboundStampPreview {
    /// Pages of a sample fine-resolution letter (1728 × 2156, about US Letter at 204 × 196 dpi).
    public static func samplePages(count: Int) -> [FaxPage] {
        var page = FaxPage(height: 2156)
        func bar(_ top: Int, _ height: Int, from x0: Int, to x1: Int) {
            for row in top..<min(page.height, top + height) {
                for x in x0..<min(page.width, x1) { page[x, row] = true }
            }
        }
        // the sending machine's own header line
        bar(12, 14, from: 60, to: 700)
        bar(12, 14, from: 1380, to: 1668)
        // a title and paragraphs of "text"
        bar(220, 34, from: 200, to: 1000)
        var y = 340
        var line = 0
        while y < 1900 {
            if line % 7 == 6 { y += 50; line += 1; continue }
            bar(y, 16, from: 200, to: 1528 - (line * 97 % 400))
            y += 44
            line += 1
        }
        return Array(repeating: page, count: max(1, count))
    }

    /// Page `number` (1-based) of the sample fax with `stamp` applied, as a greyscale PNG `width` pixels wide.
    public static func png(stamp: InboundStamp, fax: InboundFax, options: InboundDeliveryOptions, page number: Int, width: Int = 612) throws -> [UInt8] {
        let pages = try FaxPageStamp.stamp(samplePages(count: fax.pages), with: stamp, fax: fax, options: options)
        let index = min(max(number, 1), pages.count) - 1
        return try FaxPagePreview.png(of: pages[index], width: width)
    }
}
