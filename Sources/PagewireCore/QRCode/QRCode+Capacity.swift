extension QRCode {
    // ISO/IEC 18004 Table 9: error correction codewords per block and the number of blocks,
    // by level and version (index 0 is version 1). Every block of a symbol has the same number
    // of error correction codewords; data codewords differ by at most one between blocks.
    private static let errorCorrectionPerBlock: [ErrorCorrection: [Int]] = [
        .low: [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
               28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        .medium: [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
                  26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        .quartile: [13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
                    28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        .high: [17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
                30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]
    private static let blockCount: [ErrorCorrection: [Int]] = [
        .low: [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
               8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        .medium: [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
                  17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        .quartile: [1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
                    23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        .high: [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
                25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]

    /// Error correction codewords in each block of a symbol.
    static func errorCorrectionCodewordsPerBlock(version: Int, errorCorrection: ErrorCorrection) -> Int {
        errorCorrectionPerBlock[errorCorrection]![version - 1]
    }

    /// Blocks the codewords of a symbol are split into.
    static func blocks(version: Int, errorCorrection: ErrorCorrection) -> Int {
        blockCount[errorCorrection]![version - 1]
    }

    /// Modules left for codewords (and remainder bits) once the function patterns, format and
    /// version information are placed: the whole square minus three finders with their
    /// separators and format areas, the two timing lines, the alignment patterns (those on a
    /// timing line share five modules with it), and from version 7 two version blocks.
    static func dataModules(version: Int) -> Int {
        let size = 4 * version + 17
        var modules = size * size - 3 * 64 - 31 - 2 * (size - 16)
        if version >= 2 {
            let perAxis = version / 7 + 2
            modules -= 25 * (perAxis * perAxis - 3) - 10 * (perAxis - 2)
        }
        if version >= 7 { modules -= 36 }
        return modules
    }

    /// All codewords of a symbol, data and error correction.
    static func totalCodewords(version: Int) -> Int {
        dataModules(version: version) / 8
    }

    /// Data codewords of a symbol at a level.
    static func dataCodewordCount(version: Int, errorCorrection: ErrorCorrection) -> Int {
        totalCodewords(version: version)
            - blocks(version: version, errorCorrection: errorCorrection) * errorCorrectionCodewordsPerBlock(version: version, errorCorrection: errorCorrection)
    }

    /// Bits of the character count indicator in byte mode.
    static func characterCountBits(version: Int) -> Int {
        version <= 9 ? 8 : 16
    }

    /// How many bytes a symbol of `version` holds in byte mode at `errorCorrection`.
    public static func byteCapacity(version: Int, errorCorrection: ErrorCorrection) -> Int {
        let bits = dataCodewordCount(version: version, errorCorrection: errorCorrection) * 8 - 4 - characterCountBits(version: version)
        return min(bits / 8, (1 << characterCountBits(version: version)) - 1)
    }
}
