/// One bilevel fax page in memory: packed rows, most significant bit first, 1 = black.
public struct FaxPage: Sendable, Equatable {
    /// Width in pixels (1728 for a standard fax page).
    public var width: Int
    /// Number of rows.
    public var height: Int
    /// Horizontal resolution in dots per inch (204 or 408 for fax).
    public var xDPI: Double
    /// Vertical resolution in dots per inch (98, 196 or 391).
    public var yDPI: Double
    /// `height` rows of `bytesPerRow` bytes each.
    public var bits: [UInt8]

    /// Bytes in one packed row.
    public var bytesPerRow: Int { (width + 7) / 8 }

    /// Creates a page from packed rows.
    public init(width: Int, height: Int, xDPI: Double, yDPI: Double, bits: [UInt8]) {
        precondition(bits.count == (width + 7) / 8 * height, "bits must hold height packed rows")
        self.width = width
        self.height = height
        self.xDPI = xDPI
        self.yDPI = yDPI
        self.bits = bits
    }

    /// A white page.
    public init(width: Int = 1728, height: Int, xDPI: Double = 204, yDPI: Double = 196) {
        self.init(width: width, height: height, xDPI: xDPI, yDPI: yDPI,
                  bits: [UInt8](repeating: 0, count: (width + 7) / 8 * height))
    }

    /// Whether the pixel at (x, y) is black.
    public subscript(x: Int, y: Int) -> Bool {
        get { bits[y * bytesPerRow + x / 8] & (0x80 >> UInt8(x % 8)) != 0 }
        set {
            let mask: UInt8 = 0x80 >> UInt8(x % 8)
            if newValue { bits[y * bytesPerRow + x / 8] |= mask } else { bits[y * bytesPerRow + x / 8] &= ~mask }
        }
    }

    /// How many pixels are black.
    public var blackPixels: Int { bits.reduce(0) { $0 + $1.nonzeroBitCount } }
}
