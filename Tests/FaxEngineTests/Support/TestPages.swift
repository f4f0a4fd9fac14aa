import FaxEngine
import Foundation

/// Deterministic fax pages and scratch directories for tests.
enum TestPages {
    /// A page with text-like blocks and a frame, so every part of the page carries data.
    static func page(number: Int, height: Int = 600, yDPI: Double = 196, density: Int = 3) -> FaxPage {
        var page = FaxPage(width: 1728, height: height, xDPI: 204, yDPI: yDPI)
        var seed = UInt32(truncatingIfNeeded: 2_654_435_761 &* UInt32(number + 1))
        func next() -> UInt32 { seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5; return seed }
        for x in 0..<page.width { page[x, 0] = true; page[x, height - 1] = true }
        for y in 0..<height { page[0, y] = true; page[page.width - 1, y] = true }
        // "Lines of text": rows of small random glyph blocks.
        var y = 20
        while y + 16 < height - 10 {
            var x = 40
            while x + 10 < page.width - 40 {
                if next() % 7 != 0 {
                    let glyph = next()
                    for gy in 0..<14 where (glyph >> UInt32(gy % 16)) & 1 == 1 || gy % density == 0 {
                        for gx in 0..<8 where (glyph >> UInt32((gx + gy) % 32)) & 1 == 1 { page[x + gx, y + gy] = true }
                    }
                }
                x += 11
            }
            y += 24
        }
        return page
    }

    /// A fresh empty directory under the system temporary directory.
    static func scratchDirectory(_ name: String = #function) -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("pagewire-tests-\(safe.prefix(40))-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
