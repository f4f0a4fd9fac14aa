private import CSpanDSP

extension FaxModems {
    /// The `T30_SUPPORT_…` bits for these modems.
    var spanDSPBits: Int {
        var bits = 0
        if contains(.v27ter) { bits |= T30_SUPPORT_V27TER }
        if contains(.v29) { bits |= T30_SUPPORT_V29 }
        if contains(.v17) { bits |= T30_SUPPORT_V17 }
        return bits
    }
}
