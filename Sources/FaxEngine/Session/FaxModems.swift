/// The image-data modems a session may offer or accept (T.30 DIS/DCS bits).
///
/// SpanDSP 0.0.6 has no V.34, so V.17 at 14,400 bit/s is the fastest a session can go.
public struct FaxModems: OptionSet, Sendable, Hashable {
    public let rawValue: Int

    /// Creates a set from raw T.30 support bits.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// V.27ter: 2,400 and 4,800 bit/s.
    public static let v27ter = FaxModems(rawValue: 1 << 0)
    /// V.29: 7,200 and 9,600 bit/s.
    public static let v29 = FaxModems(rawValue: 1 << 1)
    /// V.17: 7,200 to 14,400 bit/s with trellis coding.
    public static let v17 = FaxModems(rawValue: 1 << 2)

    /// Every modem SpanDSP offers.
    public static let all: FaxModems = [.v27ter, .v29, .v17]

    /// The modems that stay within `maximumBitRate`: V.17 needs 14,400, V.29 9,600, V.27ter 4,800 or less.
    public func limited(toBitRate maximumBitRate: Int) -> FaxModems {
        var result = self
        if maximumBitRate < 14_400 { result.remove(.v17) }
        if maximumBitRate < 9_600 { result.remove(.v29) }
        return result
    }
}
