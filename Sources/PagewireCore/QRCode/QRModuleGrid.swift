/// The modules of a symbol under construction: which are dark, and which belong to function
/// patterns (finders, separators, timing, alignment, format and version areas) so that data
/// placement and masking leave them alone.
struct QRModuleGrid {
    let version: Int
    let size: Int
    /// Row-major, `true` for dark.
    private(set) var dark: [Bool]
    private var function: [Bool]

    init(version: Int) {
        self.version = version
        size = 4 * version + 17
        dark = Array(repeating: false, count: size * size)
        function = Array(repeating: false, count: size * size)
    }

    subscript(x: Int, y: Int) -> Bool {
        dark[y * size + x]
    }

    private mutating func setFunction(_ x: Int, _ y: Int, _ isDark: Bool) {
        dark[y * size + x] = isDark
        function[y * size + x] = true
    }

    /// Finder patterns with separators, timing patterns, alignment patterns, the dark module,
    /// and the reserved format (and version) areas; version information is drawn here, format
    /// information once the mask is known.
    mutating func drawFunctionPatterns() {
        for (x, y) in [(0, 0), (size - 7, 0), (0, size - 7)] { drawFinder(x: x, y: y) }
        for i in 8..<(size - 8) {
            setFunction(i, 6, i % 2 == 0)
            setFunction(6, i, i % 2 == 0)
        }
        let centres = alignmentCentres
        for cy in centres {
            for cx in centres {
                let onFinder = (cx == 6 && cy == 6) || (cx == 6 && cy == size - 7) || (cx == size - 7 && cy == 6)
                if !onFinder { drawAlignment(x: cx, y: cy) }
            }
        }
        drawFormatInformation(0)  // reserves the areas; overwritten per mask
        setFunction(8, size - 8, true)
        if version >= 7 {
            let bits = QRCode.versionInformation(version: version)
            for i in 0..<18 {
                let isDark = bits >> i & 1 == 1
                setFunction(i / 3, size - 11 + i % 3, isDark)  // below-left block
                setFunction(size - 11 + i % 3, i / 3, isDark)  // top-right block
            }
        }
    }

    /// A 7×7 finder at (x, y) and its one-module light separator, clipped at the symbol edge.
    private mutating func drawFinder(x: Int, y: Int) {
        for dy in -1...7 {
            for dx in -1...7 {
                let px = x + dx, py = y + dy
                guard px >= 0, px < size, py >= 0, py < size else { continue }
                let ring = max(abs(dx - 3), abs(dy - 3))  // 0…3 inside the pattern, 4 on the separator
                setFunction(px, py, ring != 2 && ring != 4)
            }
        }
    }

    /// A 5×5 alignment pattern centred on (x, y).
    private mutating func drawAlignment(x: Int, y: Int) {
        for dy in -2...2 {
            for dx in -2...2 { setFunction(x + dx, y + dy, max(abs(dx), abs(dy)) != 1) }
        }
    }

    /// Row and column coordinates of alignment pattern centres: from 6 to `size − 7`, evenly
    /// spaced by an even step counted back from the last, the first gap taking what is left
    /// (ISO/IEC 18004 Annex E; version 32 is the one exception to the even-step rule).
    var alignmentCentres: [Int] {
        guard version >= 2 else { return [] }
        let count = version / 7 + 2
        let last = size - 7
        let span = last - 6
        var step = (span + count - 2) / (count - 1)  // at least span / (count − 1)
        if step % 2 == 1 { step += 1 }
        if version == 32 { step = 26 }
        return [6] + (0..<(count - 1)).reversed().map { last - $0 * step }
    }

    /// Writes the 15 format bits in both copies: around the top-left finder, and split between
    /// the bottom-left (bits 8–14) and top-right (bits 0–7) finders.
    mutating func drawFormatInformation(_ bits: Int) {
        func bit(_ i: Int) -> Bool { bits >> i & 1 == 1 }
        for i in 0...5 { setFunction(8, i, bit(i)) }
        setFunction(8, 7, bit(6))
        setFunction(8, 8, bit(7))
        setFunction(7, 8, bit(8))
        for i in 9...14 { setFunction(14 - i, 8, bit(i)) }
        for i in 0...7 { setFunction(size - 1 - i, 8, bit(i)) }
        for i in 8...14 { setFunction(8, size - 15 + i, bit(i)) }
    }

    /// Places the codewords' bits, most significant first, in the zigzag of the standard:
    /// two-module columns from the right edge, upwards then downwards in turn, skipping the
    /// vertical timing column and every function module. Modules left over (remainder bits) stay light.
    mutating func placeCodewords(_ codewords: [UInt8]) {
        let totalBits = codewords.count * 8
        var index = 0
        var upwards = true
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for step in 0..<size {
                let y = upwards ? size - 1 - step : step
                for x in [right, right - 1] where !function[y * size + x] && index < totalBits {
                    dark[y * size + x] = codewords[index >> 3] >> (7 - index & 7) & 1 == 1
                    index += 1
                }
            }
            upwards.toggle()
            right -= 2
        }
    }

    /// Inverts the non-function modules where mask pattern `mask` (0…7) holds; i is the row, j the column.
    mutating func applyMask(_ mask: Int) {
        for i in 0..<size {
            for j in 0..<size where !function[i * size + j] {
                let invert: Bool
                switch mask {
                case 0: invert = (i + j) % 2 == 0
                case 1: invert = i % 2 == 0
                case 2: invert = j % 3 == 0
                case 3: invert = (i + j) % 3 == 0
                case 4: invert = (i / 2 + j / 3) % 2 == 0
                case 5: invert = (i * j) % 2 + (i * j) % 3 == 0
                case 6: invert = ((i * j) % 2 + (i * j) % 3) % 2 == 0
                default: invert = ((i + j) % 2 + (i * j) % 3) % 2 == 0
                }
                if invert { dark[i * size + j].toggle() }
            }
        }
    }
}
