/// Reed–Solomon error correction of QR codes: arithmetic in GF(256) modulo the primitive
/// polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D) with generator element α = 2, and the generator
/// polynomial of degree n, (x − α⁰)(x − α¹)…(x − αⁿ⁻¹).
public enum QRReedSolomon {
    /// α^i for i in 0..<255 (and once more, so a sum of two logarithms needs no modulo).
    private static let exponents: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 512)
        var value = 1
        for i in 0..<255 {
            table[i] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        for i in 255..<512 { table[i] = table[i - 255] }
        return table
    }()

    /// log_α(v) for v in 1…255 (index 0 unused: zero has no logarithm).
    private static let logarithms: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exponents[i])] = i }
        return table
    }()

    /// The product of two field elements.
    public static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        return exponents[logarithms[Int(a)] + logarithms[Int(b)]]
    }

    /// The generator polynomial of degree `degree`, coefficients from the highest power down
    /// (the leading 1 included).
    public static func generator(degree: Int) -> [UInt8] {
        var polynomial: [UInt8] = [1]
        for i in 0..<degree {
            // multiply by (x + α^i): shift up by one power, add α^i times the old polynomial
            let root = exponents[i]
            var next = polynomial + [0]
            for k in 1..<next.count { next[k] ^= multiply(polynomial[k - 1], root) }
            polynomial = next
        }
        return polynomial
    }

    /// The `count` error correction codewords of one block: the remainder of
    /// data(x) · x^count divided by the generator polynomial of degree `count`.
    public static func errorCorrectionCodewords(for data: [UInt8], count: Int) -> [UInt8] {
        let generator = generator(degree: count)
        var remainder = [UInt8](repeating: 0, count: count)
        for codeword in data {
            let factor = codeword ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            if factor != 0 {
                for k in 0..<count { remainder[k] ^= multiply(generator[k + 1], factor) }
            }
        }
        return remainder
    }
}
