import Foundation

/// Image dimensions read from the header bytes alone (PNG, GIF, JPEG), in this process and
/// without any decoder, so pixel bombs and absurd shapes are refused before a renderer runs and
/// with a precise reason (ImageMagick's own policy would only say "exceeds limit").
enum ImageHeader {
    /// Width and height, or nil when the header cannot be found.
    static func dimensions(of url: URL, kind: DocumentKind) -> (width: Int, height: Int)? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        let bytes = [UInt8]((try? handle.read(upToCount: kind == .jpeg ? 1 << 20 : 64)) ?? Data())
        func be16(_ i: Int) -> Int { Int(bytes[i]) << 8 | Int(bytes[i + 1]) }
        func le16(_ i: Int) -> Int { Int(bytes[i + 1]) << 8 | Int(bytes[i]) }
        func be32(_ i: Int) -> Int { be16(i) << 16 | be16(i + 2) }
        switch kind {
        case .png:
            guard bytes.count >= 24, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
            return (be32(16), be32(20))
        case .gif:
            guard bytes.count >= 10 else { return nil }
            return (le16(6), le16(8))
        case .jpeg:
            // Walk the marker segments to the first start-of-frame.
            var i = 2
            while i + 9 < bytes.count {
                guard bytes[i] == 0xFF else { return nil }
                let marker = bytes[i + 1]
                if marker == 0xFF { i += 1; continue }
                if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                    return (be16(i + 7), be16(i + 5))
                }
                if marker == 0xD8 || (0xD0...0xD7).contains(marker) { i += 2; continue }
                i += 2 + be16(i + 2)
            }
            return nil
        default:
            return nil
        }
    }
}
