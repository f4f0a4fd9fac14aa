import Foundation
import PagewireCore

/// Reads QR codes back with an independent decoder: Debian's `zbarimg` (zbar-tools), from a
/// greyscale image drawn here from the module matrix, or from an SVG rasterised by librsvg.
enum QRDecoder {
    enum Failure: Error, CustomStringConvertible {
        case tool(String, Int32, String)
        var description: String {
            switch self {
            case .tool(let name, let status, let output): "\(name) exited \(status): \(output)"
            }
        }
    }

    /// A binary PGM of the symbol: `scale` pixels per module and a light quiet zone of four modules.
    static func pgm(_ code: QRCode, scale: Int = 4) -> [UInt8] {
        let quiet = 4
        let side = (code.size + 2 * quiet) * scale
        var bytes = Array("P5\n\(side) \(side)\n255\n".utf8)
        bytes.reserveCapacity(bytes.count + side * side)
        for py in 0..<side {
            let y = py / scale - quiet
            for px in 0..<side {
                let x = px / scale - quiet
                let dark = x >= 0 && y >= 0 && x < code.size && y < code.size && code[x, y]
                bytes.append(dark ? 0 : 255)
            }
        }
        return bytes
    }

    /// What zbarimg reads from the image file at `path` (QR codes only), without the final newline.
    static func decode(imageAt path: String) throws -> String {
        // binary: the bytes as encoded, with no guess at their character set
        let (status, output) = try run("/usr/bin/zbarimg", ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", "-Sqrcode.binary", path])
        guard status == 0 else { throw Failure.tool("zbarimg", status, output) }
        return output.hasSuffix("\n") ? String(output.dropLast()) : output
    }

    /// Decodes `code` through a PGM written to a temporary file.
    static func decode(_ code: QRCode) throws -> String {
        let path = NSTemporaryDirectory() + "pw-qr-" + String(UInt64.random(in: 0...UInt64.max), radix: 36) + ".pgm"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(pgm(code)).write(to: URL(fileURLWithPath: path))
        return try decode(imageAt: path)
    }

    /// Rasterises an SVG document with librsvg's `rsvg-convert` and decodes the PNG.
    static func decode(svg: String) throws -> String {
        let base = NSTemporaryDirectory() + "pw-qr-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        defer {
            try? FileManager.default.removeItem(atPath: base + ".svg")
            try? FileManager.default.removeItem(atPath: base + ".png")
        }
        try svg.write(toFile: base + ".svg", atomically: true, encoding: .utf8)
        let (status, output) = try run("/usr/bin/rsvg-convert", ["--background-color", "white", "-o", base + ".png", base + ".svg"])
        guard status == 0 else { throw Failure.tool("rsvg-convert", status, output) }
        return try decode(imageAt: base + ".png")
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        // standard output only: zbarimg also complains on standard error when there is no D-Bus
        let run = try CommandRun.run(executable, arguments, standardError: .discarded)
        return (run.status, run.output)
    }
}
