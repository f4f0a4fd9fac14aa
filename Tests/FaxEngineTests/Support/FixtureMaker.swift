import FaxEngine
import Foundation
import PagewireCore

/// Makes test documents with Ghostscript and ImageMagick (trusted inputs written by the test).
enum FixtureMaker {
    static let convert = "/usr/bin/convert-im6.q16"

    /// Runs a tool and waits; throws with its output on failure.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], in directory: URL? = nil) throws -> String {
        let run = try CommandRun.run(tool, arguments, in: directory)
        guard run.status == 0 else { throw FixtureError.toolFailed(tool, run.output) }
        return run.output
    }

    enum FixtureError: Error { case toolFailed(String, String) }

    /// A text PDF with `pages` pages, optionally encrypted.
    static func pdf(pages: Int, in directory: URL, name: String = "doc.pdf", userPassword: String? = nil) throws -> URL {
        let ps = directory.appendingPathComponent("\(name).ps")
        try """
        %!PS
        /Helvetica findfont 12 scalefont setfont
        1 1 \(pages) { /p exch def
          72 720 moveto (Test page ) show p 3 string cvs show
          0 1 40 { /l exch def 72 690 l 15 mul sub moveto (Line of text for the fax renderer test.) show } for
          100 100 200 200 rectfill
          showpage } for
        """.write(to: ps, atomically: true, encoding: .utf8)
        let url = directory.appendingPathComponent(name)
        var arguments = ["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", "-sOutputFile=\(url.path)"]
        if let userPassword { arguments += ["-sOwnerPassword=owner-\(userPassword)", "-sUserPassword=\(userPassword)"] }
        try run("/usr/bin/gs", arguments + [ps.path])
        return url
    }

    /// A hand-assembled PDF: the objects in order (object 1 is the catalog), with a correct xref table.
    static func pdfText(objects: [String]) -> String {
        var pdf = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(pdf.utf8.count)
            pdf += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = pdf.utf8.count
        pdf += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n" + offsets.map { String(format: "%010d 00000 n \n", $0) }.joined()
        pdf += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return pdf
    }

    /// An image made by ImageMagick from a drawing recipe, e.g. `["-size", "800x600", "plasma:"]`.
    static func image(_ recipe: [String], name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try run(convert, recipe + [url.path])
        return url
    }

    /// A PNG whose header claims `width` × `height` but whose data is tiny: a pixel bomb.
    static func lyingPNG(width: UInt32, height: UInt32, in directory: URL) throws -> URL {
        var ihdr = be32(width) + be32(height)
        ihdr += [8, 0, 0, 0, 0] // 8-bit greyscale
        // zlib stream of a single stored empty block: valid header, far too little data.
        let idat: [UInt8] = [0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01]
        let bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + pngChunk("IHDR", ihdr) + pngChunk("IDAT", idat) + pngChunk("IEND", [])
        let url = directory.appendingPathComponent("bomb.png")
        try Data(bytes).write(to: url)
        return url
    }

    /// A real decompression bomb: a 1-bit PNG of `side` × `side` zero pixels whose data inflates
    /// fully (made with gzip's deflate, no image library involved), a few kilobytes on disk.
    static func deflateBombPNG(side: UInt32, in directory: URL) throws -> URL {
        let rowBytes = Int(side + 7) / 8 + 1 // filter byte + packed pixels
        let total = rowBytes * Int(side)
        let gz = directory.appendingPathComponent("zeros.gz")
        try run("/bin/sh", ["-c", "head -c \(total) /dev/zero | gzip -9n > '\(gz.path)'"])
        let gzip = [UInt8](try Data(contentsOf: gz))
        let deflate = Array(gzip[10..<(gzip.count - 8)])
        let adler = (UInt32(total % 65_521) << 16) | 1
        let zlib: [UInt8] = [0x78, 0xDA] + deflate + be32(adler)
        let ihdr = be32(side) + be32(side) + [1, 0, 0, 0, 0]
        let bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + pngChunk("IHDR", ihdr) + pngChunk("IDAT", zlib) + pngChunk("IEND", [])
        let url = directory.appendingPathComponent("deflate-bomb.png")
        try Data(bytes).write(to: url)
        return url
    }

    /// A real 1-bit PNG of solid black, written with stored (uncompressed) deflate blocks, for
    /// shapes ImageMagick's policy will not even create (1 × 100000).
    static func solidPNG(width: UInt32, height: UInt32, name: String, in directory: URL) throws -> URL {
        let row = [UInt8(0)] + [UInt8](repeating: 0x00, count: Int(width + 7) / 8)
        var raw: [UInt8] = []
        raw.reserveCapacity(row.count * Int(height))
        for _ in 0..<height { raw += row }
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, raw.count - offset)
            let final: UInt8 = offset + length == raw.count ? 1 : 0
            zlib += [final, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            zlib += raw[offset..<offset + length]
            offset += length
        } while offset < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        zlib += be32(b << 16 | a)
        let ihdr = be32(width) + be32(height) + [1, 0, 0, 0, 0]
        let bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + pngChunk("IHDR", ihdr) + pngChunk("IDAT", zlib) + pngChunk("IEND", [])
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    static func pngChunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        return be32(UInt32(body.count)) + typed + be32(crc32(typed))
    }

    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
