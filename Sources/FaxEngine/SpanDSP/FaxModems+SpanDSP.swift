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

extension Set where Element == FaxResolution {
    /// The `T30_SUPPORT_…_RESOLUTION` bits for these resolutions (fine and superfine imply R8).
    var spanDSPBits: Int {
        var bits = 0
        if contains(.standard) { bits |= T30_SUPPORT_STANDARD_RESOLUTION }
        if contains(.fine) { bits |= T30_SUPPORT_FINE_RESOLUTION }
        if contains(.superfine) { bits |= T30_SUPPORT_SUPERFINE_RESOLUTION }
        if contains(.ultrafine) { bits |= T30_SUPPORT_R16_RESOLUTION }
        return bits
    }
}
