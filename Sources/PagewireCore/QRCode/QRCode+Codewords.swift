extension QRCode {
    /// The data codewords for `bytes`: mode indicator 0100 (byte mode), the count, the bytes,
    /// up to four terminator zeros, zeros to the byte boundary, then the pad codewords
    /// 11101100 and 00010001 in turn until the symbol's data capacity is full.
    static func dataCodewords(_ bytes: [UInt8], version: Int, errorCorrection: ErrorCorrection) -> [UInt8] {
        let capacity = dataCodewordCount(version: version, errorCorrection: errorCorrection)
        var bits = QRBitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: characterCountBits(version: version))
        for byte in bytes { bits.append(Int(byte), count: 8) }
        bits.append(0, count: min(4, capacity * 8 - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        var pad: UInt8 = 0xEC
        while codewords.count < capacity {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// Splits data codewords into blocks (the shorter blocks first), computes each block's
    /// error correction codewords, and interleaves: the first data codeword of every block,
    /// then the second…, then the error correction codewords the same way.
    static func interleavedCodewords(_ data: [UInt8], version: Int, errorCorrection: ErrorCorrection) -> [UInt8] {
        let blockCount = blocks(version: version, errorCorrection: errorCorrection)
        let correction = errorCorrectionCodewordsPerBlock(version: version, errorCorrection: errorCorrection)
        let total = totalCodewords(version: version)
        let longBlocks = total % blockCount
        let shortData = total / blockCount - correction
        var dataBlocks: [[UInt8]] = []
        var start = 0
        for block in 0..<blockCount {
            let length = shortData + (block >= blockCount - longBlocks ? 1 : 0)
            dataBlocks.append(Array(data[start..<start + length]))
            start += length
        }
        let correctionBlocks = dataBlocks.map { QRReedSolomon.errorCorrectionCodewords(for: $0, count: correction) }
        var result: [UInt8] = []
        result.reserveCapacity(total)
        for index in 0...shortData {
            for block in dataBlocks where index < block.count { result.append(block[index]) }
        }
        for index in 0..<correction {
            for block in correctionBlocks { result.append(block[index]) }
        }
        return result
    }
}
