/// A QR code symbol (ISO/IEC 18004) holding bytes in byte mode: its version, error correction
/// level, chosen mask, and the dark/light modules, ready to draw.
///
/// Built in the order of the standard: the bytes become data codewords (mode indicator,
/// character count, data, terminator, pad codewords), each block gets Reed–Solomon error
/// correction codewords over GF(256), the blocks are interleaved and placed in the zigzag
/// around the function patterns, and of the eight masks the one with the lowest penalty
/// (rules N1–N4) is kept, with the format (and, from version 7, version) information written
/// next to the finder patterns.
///
/// ```swift
/// let code = try QRCode(text: "otpauth://totp/…")
/// let svg = code.svg(moduleSize: 4)
/// ```
public struct QRCode: Sendable, Equatable {
    /// How much of the symbol may be damaged and still read: about 7 %, 15 %, 25 % or 30 %.
    public enum ErrorCorrection: Sendable, CaseIterable, Equatable {
        /// Level L: about 7 % of the codewords can be restored.
        case low
        /// Level M: about 15 %; the usual choice for screens.
        case medium
        /// Level Q: about 25 %.
        case quartile
        /// Level H: about 30 %.
        case high

        /// The two bits that stand for the level in the format information (L 01, M 00, Q 11, H 10).
        var formatBits: Int {
            switch self {
            case .low: 0b01
            case .medium: 0b00
            case .quartile: 0b11
            case .high: 0b10
            }
        }
    }

    /// Why bytes could not be encoded.
    public enum EncodingError: Error, Equatable, CustomStringConvertible {
        /// More bytes than the largest allowed version holds at the level.
        case tooLong(bytes: Int, maximum: Int)
        /// A version outside 1…40, or a minimum above the maximum, or a mask outside 0…7.
        case invalidParameter(String)

        /// The reason in words.
        public var description: String {
            switch self {
            case .tooLong(let bytes, let maximum): "\(bytes) bytes do not fit in a QR code of this size (at most \(maximum))"
            case .invalidParameter(let what): "invalid QR code parameter: \(what)"
            }
        }
    }

    /// The version, 1…40: the symbol is `4 × version + 17` modules wide.
    public let version: Int
    /// The error correction level the symbol was built with.
    public let errorCorrection: ErrorCorrection
    /// The data mask pattern applied, 0…7.
    public let mask: Int
    /// Modules per side (without the quiet zone).
    public var size: Int { 4 * version + 17 }
    /// Row-major, `true` for dark.
    let modules: [Bool]

    /// Whether the module in column `x`, row `y` (from the top left, 0-based) is dark.
    public subscript(x: Int, y: Int) -> Bool {
        modules[y * size + x]
    }

    /// Encodes `bytes` in byte mode in the smallest version from `minimumVersion` to
    /// `maximumVersion` that holds them at `errorCorrection`. `mask` forces one of the eight
    /// mask patterns instead of the one with the lowest penalty (for tests).
    public init(bytes: [UInt8], errorCorrection: ErrorCorrection = .medium, minimumVersion: Int = 1, maximumVersion: Int = 40, mask: Int? = nil) throws {
        guard (1...40).contains(minimumVersion), (1...40).contains(maximumVersion), minimumVersion <= maximumVersion else {
            throw EncodingError.invalidParameter("versions \(minimumVersion)…\(maximumVersion)")
        }
        if let mask, !(0...7).contains(mask) { throw EncodingError.invalidParameter("mask \(mask)") }
        guard let version = (minimumVersion...maximumVersion).first(where: { Self.byteCapacity(version: $0, errorCorrection: errorCorrection) >= bytes.count }) else {
            throw EncodingError.tooLong(bytes: bytes.count, maximum: Self.byteCapacity(version: maximumVersion, errorCorrection: errorCorrection))
        }
        let codewords = Self.interleavedCodewords(Self.dataCodewords(bytes, version: version, errorCorrection: errorCorrection),
                                                  version: version, errorCorrection: errorCorrection)
        var grid = QRModuleGrid(version: version)
        grid.drawFunctionPatterns()
        grid.placeCodewords(codewords)
        var best = (mask: 0, penalty: Int.max, modules: [Bool]())
        for candidate in mask.map({ [$0] }) ?? Array(0...7) {
            var masked = grid
            masked.applyMask(candidate)
            masked.drawFormatInformation(Self.formatInformation(errorCorrection: errorCorrection, mask: candidate))
            let penalty = mask == nil ? masked.penalty() : 0
            if penalty < best.penalty { best = (candidate, penalty, masked.dark) }
        }
        self.version = version
        self.errorCorrection = errorCorrection
        self.mask = best.mask
        self.modules = best.modules
    }

    /// Encodes the UTF-8 bytes of `text` (see `init(bytes:errorCorrection:minimumVersion:maximumVersion:mask:)`).
    public init(text: String, errorCorrection: ErrorCorrection = .medium, minimumVersion: Int = 1, maximumVersion: Int = 40) throws {
        try self.init(bytes: Array(text.utf8), errorCorrection: errorCorrection, minimumVersion: minimumVersion, maximumVersion: maximumVersion)
    }
}
