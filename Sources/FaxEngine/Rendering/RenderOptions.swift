/// How to render a document into fax pages.
public struct RenderOptions: Sendable, Equatable {
    /// Vertical and horizontal resolution.
    public var resolution: FaxResolution
    /// Page length documents are fitted to.
    public var paper: PaperSize
    /// Most pages one document may produce (the account limit; default 200).
    public var maximumPages: Int
    /// Most pixels an image may have before decoding (default 100 megapixels).
    public var maximumPixels: Int
    /// Limits for each renderer child process.
    public var limits: SandboxLimits
    /// Limits for LibreOffice.
    public var officeLimits: SandboxLimits

    /// Creates options; defaults: fine, letter, 200 pages.
    public init(
        resolution: FaxResolution = .fine, paper: PaperSize = .letter, maximumPages: Int = 200,
        maximumPixels: Int = 100_000_000, limits: SandboxLimits = .renderer, officeLimits: SandboxLimits = .office
    ) {
        self.resolution = resolution
        self.paper = paper
        self.maximumPages = maximumPages
        self.maximumPixels = maximumPixels
        self.limits = limits
        self.officeLimits = officeLimits
    }

    /// Page height in rows.
    public var pageRows: Int { paper.rows(at: resolution) }
}
