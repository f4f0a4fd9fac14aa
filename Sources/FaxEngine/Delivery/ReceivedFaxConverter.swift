import Foundation

/// Turns a received fax TIFF into the files users get: a PDF, the TIFF itself, a
/// high-resolution TIFF, or one file per page.
public struct ReceivedFaxConverter: Sendable {
    /// Tool paths.
    public var tools: RenderTools
    /// Limits for `tiff2pdf` (the TIFF came from the network).
    public var limits: SandboxLimits

    /// Creates a converter.
    public init(tools: RenderTools = RenderTools(), limits: SandboxLimits = .renderer) {
        self.tools = tools
        self.limits = limits
    }

    /// Writes a PDF with one page per fax page, Group 4 passed through at the right page size.
    public func pdf(from tiff: URL, to output: URL) throws(RenderError) {
        let work = try Workspace()
        defer { work.remove() }
        let input = try work.copyIn(tiff, as: "fax.tif")
        let result = try SandboxedProcess(executable: tools.tiff2pdf, arguments: ["-o", "fax.pdf", input.lastPathComponent],
                                          directory: work.directory, limits: limits).run()
        guard result.succeeded else { throw .failed("tiff2pdf: \(DocumentRenderer.lastLine(result.output))") }
        do {
            try? FileManager.default.removeItem(at: output)
            try FileManager.default.moveItem(at: work.directory.appendingPathComponent("fax.pdf"), to: output)
        } catch {
            throw .failed("cannot write \(output.lastPathComponent)")
        }
    }

    /// Writes a copy where every page has at least 196 rows per inch (standard-resolution rows
    /// doubled) so pages print and display at their true proportions.
    public func highResolutionTIFF(from tiff: URL, to output: URL) throws(FaxDocumentError) {
        let pages = try FaxTIFF.readPages(tiff).map { page -> FaxPage in
            guard page.yDPI < 150 else { return page }
            var bits: [UInt8] = []
            bits.reserveCapacity(page.bits.count * 2)
            for y in 0..<page.height {
                let row = page.bits[y * page.bytesPerRow ..< (y + 1) * page.bytesPerRow]
                bits.append(contentsOf: row)
                bits.append(contentsOf: row)
            }
            return FaxPage(width: page.width, height: page.height * 2, xDPI: page.xDPI, yDPI: page.yDPI * 2, bits: bits)
        }
        try FaxTIFF.write(pages, to: output)
    }

    /// Writes one single-page TIFF per page into `directory` (`page-001.tif`, …) and returns them in order.
    public func splitPages(from tiff: URL, into directory: URL) throws(FaxDocumentError) -> [URL] {
        let pages = try FaxTIFF.readPages(tiff)
        return try pages.enumerated().map { (index, page) throws(FaxDocumentError) -> URL in
            let url = directory.appendingPathComponent(String(format: "page-%03d.tif", index + 1))
            try FaxTIFF.write([page], to: url)
            return url
        }
    }
}
