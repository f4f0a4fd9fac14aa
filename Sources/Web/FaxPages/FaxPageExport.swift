import FaxEngine
import Foundation

/// Selected pages of a fax written as one file, for the portal's view and download and for
/// `GET /v1/faxes/{id}/pages`: a multi-page TIFF (Group 4, as transmitted) or a PDF.
enum FaxPageExport {
    /// The pages numbered `selected` (from 1, as `FaxPageSelection.pages(of:)` gives them) of
    /// `pages`, as TIFF or PDF bytes.
    static func bytes(of pages: [FaxEngine.FaxPage], selected: [Int], pdf: Bool) throws -> [UInt8] {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pw-pages-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let tiff = work.appendingPathComponent("fax.tif")
        try FaxTIFF.write(selected.map { pages[$0 - 1] }, to: tiff)
        guard pdf else { return Array(try Data(contentsOf: tiff)) }
        let output = work.appendingPathComponent("fax.pdf")
        try ReceivedFaxConverter().pdf(from: tiff, to: output)
        return Array(try Data(contentsOf: output))
    }

    /// The pages of a TIFF held in memory.
    static func pages(ofTIFF bytes: [UInt8]) throws -> [FaxEngine.FaxPage] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-pages-\(UUID().uuidString).tif")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(bytes).write(to: file)
        return try FaxTIFF.readPages(file)
    }
}
