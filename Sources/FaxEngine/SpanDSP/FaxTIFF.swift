private import CSpanDSP
import Foundation

/// Reads, writes and checks fax TIFFs with libtiff (and SpanDSP's own T.4 reader).
///
/// Only for TIFFs Pagewire produced or received; untrusted uploads are decoded by the
/// sandboxed renderers, never here.
public enum FaxTIFF {
    /// Compression for written pages.
    public enum Compression: Sendable {
        /// ITU T.4 2-D (Group 3).
        case g3
        /// ITU T.6 (Group 4).
        case g4
    }

    private static let quietLibTIFF: Void = {
        // libtiff reports to stderr by default, and a damaged Group 4 strip decodes "successfully"
        // with only a message; so messages are counted per thread and checked after each page.
        TIFFSetErrorHandler { module, _, _ in FaxTIFF.noteDecodeProblem(module) }
        TIFFSetWarningHandler { module, _, _ in
            // Warnings about unknown tags are harmless; warnings from the fax decoders are not.
            guard let module, String(cString: module).contains("Fax") else { return }
            FaxTIFF.noteDecodeProblem(module)
        }
    }()

    private static let problemKey = "pagewire.libtiff.problems"

    private static func noteDecodeProblem(_ module: UnsafePointer<CChar>?) {
        let dictionary = Thread.current.threadDictionary
        dictionary[problemKey] = ((dictionary[problemKey] as? Int) ?? 0) + 1
    }

    /// Messages libtiff reported on this thread so far.
    private static var decodeProblems: Int { (Thread.current.threadDictionary[problemKey] as? Int) ?? 0 }

    /// Reads every page of a bilevel TIFF.
    public static func readPages(_ url: URL) throws(FaxDocumentError) -> [FaxPage] {
        try eachDirectory(of: url) { tiff, number throws(FaxDocumentError) in try readPage(tiff, number: number) }
    }

    private static func readHeaders(_ url: URL) throws(FaxDocumentError) -> [PageHeader] {
        try eachDirectory(of: url) { tiff, number throws(FaxDocumentError) in try readHeader(tiff, number: number) }
    }

    /// Opens the file and applies `read` to each directory (page) in turn, numbered from 1.
    private static func eachDirectory<T>(
        of url: URL, _ read: (OpaquePointer, Int) throws(FaxDocumentError) -> T
    ) throws(FaxDocumentError) -> [T] {
        _ = quietLibTIFF
        guard let tiff = TIFFOpen(url.path, "r") else { throw .unreadable("not a TIFF file") }
        defer { TIFFClose(tiff) }
        var results: [T] = []
        repeat {
            results.append(try read(tiff, results.count + 1))
        } while TIFFReadDirectory(tiff) == 1
        return results
    }

    /// Checks that SpanDSP can send this file as it is; returns the page count.
    ///
    /// Every page must be bilevel, 1728 px wide, with a resolution, and decode cleanly
    /// (SpanDSP would otherwise send a damaged page, or fail seven seconds into the call).
    ///
    /// - Parameter decode: also decode every page's image data; only a TIFF this process just
    ///   had a trusted writer (Ghostscript's or ImageMagick's fax encoder) produce may skip it.
    @discardableResult
    public static func checkSendable(_ url: URL, decode: Bool = true) throws(FaxDocumentError) -> Int {
        let pages: [(width: Int, xDPI: Double)]
        if decode {
            pages = try readPages(url).map { ($0.width, $0.xDPI) }
        } else {
            pages = try readHeaders(url).map { (Int($0.width), $0.xDPI) }
        }
        guard !pages.isEmpty else { throw .noPages }
        // 1728 pixels per 215 mm line at 204 dpi; 3456 at 408 dpi.
        for (index, page) in pages.enumerated() where page.width != (page.xDPI > 300 ? 3456 : 1728) {
            throw .wrongWidth(page: index + 1, width: page.width)
        }
        guard let t4 = t4_tx_init(nil, url.path, -1, -1) else { throw .unreadable("SpanDSP cannot open it") }
        let count = Int(t4_tx_get_pages_in_file(t4))
        t4_tx_free(t4)
        return count > 0 ? count : pages.count
    }

    /// Writes pages as one multi-page TIFF (SpanDSP-ready when pages are 1728 wide).
    public static func write(_ pages: [FaxPage], to url: URL, compression: Compression = .g4) throws(FaxDocumentError) {
        _ = quietLibTIFF
        guard !pages.isEmpty else { throw .noPages }
        guard let tiff = TIFFOpen(url.path, "w") else { throw .unreadable("cannot create \(url.lastPathComponent)") }
        defer { TIFFClose(tiff) }
        for (index, page) in pages.enumerated() {
            set(tiff, TIFFTAG_SUBFILETYPE, UInt32(FILETYPE_PAGE))
            set(tiff, TIFFTAG_IMAGEWIDTH, UInt32(page.width))
            set(tiff, TIFFTAG_IMAGELENGTH, UInt32(page.height))
            set(tiff, TIFFTAG_BITSPERSAMPLE, UInt32(1))
            set(tiff, TIFFTAG_SAMPLESPERPIXEL, UInt32(1))
            set(tiff, TIFFTAG_PHOTOMETRIC, UInt32(PHOTOMETRIC_MINISWHITE))
            set(tiff, TIFFTAG_FILLORDER, UInt32(FILLORDER_LSB2MSB))
            set(tiff, TIFFTAG_PLANARCONFIG, UInt32(PLANARCONFIG_CONTIG))
            set(tiff, TIFFTAG_ROWSPERSTRIP, UInt32(page.height))
            set(tiff, TIFFTAG_RESOLUTIONUNIT, UInt32(RESUNIT_INCH))
            _ = withVaList([page.xDPI]) { TIFFVSetField(tiff, UInt32(TIFFTAG_XRESOLUTION), $0) }
            _ = withVaList([page.yDPI]) { TIFFVSetField(tiff, UInt32(TIFFTAG_YRESOLUTION), $0) }
            _ = withVaList([UInt32(index), UInt32(pages.count)]) { TIFFVSetField(tiff, UInt32(TIFFTAG_PAGENUMBER), $0) }
            switch compression {
            case .g4:
                set(tiff, TIFFTAG_COMPRESSION, UInt32(COMPRESSION_CCITTFAX4))
            case .g3:
                set(tiff, TIFFTAG_COMPRESSION, UInt32(COMPRESSION_CCITTFAX3))
                set(tiff, TIFFTAG_GROUP3OPTIONS, UInt32(GROUP3OPT_2DENCODING | GROUP3OPT_FILLBITS))
            }
            var row = [UInt8](repeating: 0, count: page.bytesPerRow)
            for y in 0..<page.height {
                row.withUnsafeMutableBufferPointer { buffer in
                    for i in 0..<page.bytesPerRow { buffer[i] = page.bits[y * page.bytesPerRow + i] }
                    _ = TIFFWriteScanline(tiff, buffer.baseAddress, UInt32(y), 0)
                }
            }
            guard TIFFWriteDirectory(tiff) == 1 else { throw .unreadable("cannot write page \(index + 1)") }
        }
    }

    private static func set(_ tiff: OpaquePointer, _ tag: Int32, _ value: UInt32) {
        _ = withVaList([value]) { TIFFVSetField(tiff, UInt32(tag), $0) }
    }

    private static func field<T>(_ tiff: OpaquePointer, _ tag: Int32, defaulted: Bool = true, as initial: T) -> T? {
        var value = initial
        let found = withUnsafeMutablePointer(to: &value) { pointer in
            withVaList([pointer]) { defaulted ? TIFFVGetFieldDefaulted(tiff, UInt32(tag), $0) : TIFFVGetField(tiff, UInt32(tag), $0) }
        }
        return found == 1 ? value : nil
    }

    /// The tags of one page, checked; no image data decoded.
    private struct PageHeader {
        var width: UInt32
        var height: UInt32
        var xDPI: Double
        var yDPI: Double
        var minIsBlack: Bool
    }

    private static func readHeader(_ tiff: OpaquePointer, number: Int) throws(FaxDocumentError) -> PageHeader {
        guard let width = field(tiff, TIFFTAG_IMAGEWIDTH, as: UInt32(0)),
              let height = field(tiff, TIFFTAG_IMAGELENGTH, as: UInt32(0)), width > 0, height > 0
        else { throw .unreadable("page \(number) has no size") }
        let bitsPerSample = field(tiff, TIFFTAG_BITSPERSAMPLE, as: UInt16(1)) ?? 1
        let samples = field(tiff, TIFFTAG_SAMPLESPERPIXEL, as: UInt16(1)) ?? 1
        guard bitsPerSample == 1, samples == 1 else { throw .notBilevel(page: number) }
        let photometric = field(tiff, TIFFTAG_PHOTOMETRIC, defaulted: false, as: UInt16(PHOTOMETRIC_MINISWHITE)) ?? UInt16(PHOTOMETRIC_MINISWHITE)
        let unit = field(tiff, TIFFTAG_RESOLUTIONUNIT, as: UInt16(RESUNIT_INCH)) ?? UInt16(RESUNIT_INCH)
        guard let xRes = field(tiff, TIFFTAG_XRESOLUTION, defaulted: false, as: Float(0)),
              let yRes = field(tiff, TIFFTAG_YRESOLUTION, defaulted: false, as: Float(0)),
              xRes > 0, yRes > 0, unit != UInt16(RESUNIT_NONE)
        else { throw .missingResolution(page: number) }
        let scale = unit == UInt16(RESUNIT_CENTIMETER) ? 2.54 : 1.0
        // Guard against absurd headers before allocating.
        guard width <= 20_000, height <= 100_000 else { throw .unreadable("page \(number) is too large") }
        return PageHeader(width: width, height: height, xDPI: Double(xRes) * scale, yDPI: Double(yRes) * scale,
                          minIsBlack: photometric == UInt16(PHOTOMETRIC_MINISBLACK))
    }

    private static func readPage(_ tiff: OpaquePointer, number: Int) throws(FaxDocumentError) -> FaxPage {
        let header = try readHeader(tiff, number: number)
        let (width, height) = (header.width, header.height)
        let bytesPerRow = (Int(width) + 7) / 8
        guard Int(TIFFScanlineSize(tiff)) == bytesPerRow else { throw .notBilevel(page: number) }
        var bits = [UInt8](repeating: 0, count: bytesPerRow * Int(height))
        let invert = header.minIsBlack
        let problemsBefore = decodeProblems
        let ok: Bool = bits.withUnsafeMutableBytes { buffer in
            for y in 0..<Int(height) {
                let row = buffer.baseAddress! + y * bytesPerRow
                if TIFFReadScanline(tiff, row, UInt32(y), 0) != 1 { return false }
            }
            return true
        }
        guard ok, decodeProblems == problemsBefore else { throw .corruptPage(page: number) }
        if invert { for i in bits.indices { bits[i] = ~bits[i] } }
        // Clear the padding bits after the last pixel of each row so pages compare by value.
        let spare = bytesPerRow * 8 - Int(width)
        if spare > 0 {
            let mask = UInt8(0xFF) << UInt8(spare)
            for y in 0..<Int(height) { bits[y * bytesPerRow + bytesPerRow - 1] &= mask }
        }
        return FaxPage(width: Int(width), height: Int(height), xDPI: header.xDPI, yDPI: header.yDPI, bits: bits)
    }
}
