import FaxEngine
import Foundation
import Testing

@Suite("Fax TIFF, previews and document kinds")
struct FaxTIFFTests {
    @Test("Pages written as G3 or G4 read back identical", arguments: [FaxTIFF.Compression.g3, .g4])
    func roundTrip(compression: FaxTIFF.Compression) throws {
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pages = [TestPages.page(number: 1, height: 200), TestPages.page(number: 2, height: 150, yDPI: 98)]
        let url = directory.appendingPathComponent("pages.tif")
        try FaxTIFF.write(pages, to: url, compression: compression)
        #expect(try FaxTIFF.readPages(url) == pages)
        #expect(try FaxTIFF.checkSendable(url) == 2)
    }

    @Test("A damaged page is refused before the call")
    func damaged() throws {
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("pages.tif")
        try FaxTIFF.write([TestPages.page(number: 1, height: 400)], to: url)
        var bytes = [UInt8](try Data(contentsOf: url))
        // Overwrite the middle of the Group 4 data (the strip follows the 8-byte header).
        var seed: UInt32 = 99
        for index in 200..<min(bytes.count - 400, 1_200) {
            seed = seed &* 1_103_515_245 &+ 12_345
            bytes[index] = UInt8(truncatingIfNeeded: seed >> 16)
        }
        try Data(bytes).write(to: url)
        #expect(throws: FaxDocumentError.self) { try FaxTIFF.checkSendable(url) }
    }

    @Test("Previews have the page's true proportions")
    func preview() throws {
        var page = FaxPage(height: 1_078, yDPI: 98)
        for x in 0..<1728 { page[x, 500] = true }
        let png = try FaxPagePreview.png(of: page, width: 432)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        // IHDR: width and height at bytes 16…23; 1078 rows at 98 dpi are 2244 square pixels, 561 at a quarter.
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 432)
        #expect(abs(height - 561) <= 1)
    }

    @Test("Document kinds come from content, not names")
    func kinds() {
        #expect(DocumentKind.detect(head: Array("%PDF-1.7\n".utf8), fileName: "x.txt") == .pdf)
        #expect(DocumentKind.detect(head: Array("%!PS-Adobe-3.0\n%PDF-1.4".utf8), fileName: "x.pdf") == .postscript)
        #expect(DocumentKind.detect(head: [0xFF, 0xD8, 0xFF, 0xE0], fileName: "x.png") == .jpeg)
        #expect(DocumentKind.detect(head: Array("<svg xmlns='http://www.w3.org/2000/svg'/>".utf8), fileName: "x.txt") == .svg)
        #expect(DocumentKind.detect(head: Array("Hello, ümlaut\n".utf8), fileName: "notes") == .text)
        #expect(DocumentKind.detect(head: [0x50, 0x4B, 0x03, 0x04], fileName: "report.docx") == .office)
        #expect(DocumentKind.detect(head: [0x50, 0x4B, 0x03, 0x04], fileName: "archive.zip") == .unknown)
        #expect(DocumentKind.detect(head: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], fileName: "old.xls") == .office)
    }
}
