/// Fax page resolutions (T.30 DIS/DCS).
public enum FaxResolution: String, Sendable, CaseIterable, Codable {
    /// 204 × 98 dpi.
    case standard
    /// 204 × 196 dpi.
    case fine
    /// 204 × 391 dpi.
    case superfine
    /// 408 × 391 dpi (3456 px wide).
    case ultrafine

    /// Horizontal dots per inch.
    public var xDPI: Int { self == .ultrafine ? 408 : 204 }
    /// Vertical dots per inch.
    public var yDPI: Int {
        switch self {
        case .standard: 98
        case .fine: 196
        case .superfine, .ultrafine: 391
        }
    }
    /// Page width in pixels (215 mm scan line).
    public var width: Int { self == .ultrafine ? 3456 : 1728 }
}
