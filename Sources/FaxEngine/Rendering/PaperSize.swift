/// The page length documents are scaled to fit.
public enum PaperSize: String, Sendable, CaseIterable, Codable {
    /// 8.5 × 11 in.
    case letter
    /// 210 × 297 mm.
    case a4

    /// Page length in inches.
    public var heightInches: Double { self == .letter ? 11.0 : 297.0 / 25.4 }

    /// Page length in rows at a resolution.
    public func rows(at resolution: FaxResolution) -> Int {
        Int((heightInches * Double(resolution.yDPI)).rounded())
    }
}
