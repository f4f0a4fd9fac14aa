extension QRCode {
    /// The 15 format information bits for a level and mask: the 5 data bits (level, mask)
    /// followed by 10 bits of BCH(15,5) with generator x¹⁰+x⁸+x⁵+x⁴+x²+x+1, XORed with
    /// 101010000010010 so that no combination is all light.
    public static func formatInformation(errorCorrection: ErrorCorrection, mask: Int) -> Int {
        let data = errorCorrection.formatBits << 3 | mask
        return (data << 10 | bchRemainder(data << 10, generator: 0b101_0011_0111, degree: 10)) ^ 0b101_0100_0001_0010
    }

    /// The 18 version information bits of versions 7…40: the 6-bit version followed by 12
    /// bits of BCH(18,6) with generator x¹²+x¹¹+x¹⁰+x⁹+x⁸+x⁵+x²+1.
    public static func versionInformation(version: Int) -> Int {
        version << 12 | bchRemainder(version << 12, generator: 0b1_1111_0010_0101, degree: 12)
    }

    /// The remainder of the polynomial `value` (over GF(2)) divided by `generator` of `degree`.
    private static func bchRemainder(_ value: Int, generator: Int, degree: Int) -> Int {
        var remainder = value
        var bit = Int.bitWidth - 1 - remainder.leadingZeroBitCount
        while bit >= degree {
            if remainder >> bit & 1 == 1 { remainder ^= generator << (bit - degree) }
            bit -= 1
        }
        return remainder
    }
}
