import Foundation

/// Renders a cover page template with its fields into a one-page fax TIFF.
public struct CoverPageRenderer: Sendable {
    /// The document renderer (resolution, paper, sandbox limits).
    public var renderer: DocumentRenderer

    /// Creates a cover page renderer.
    public init(renderer: DocumentRenderer = DocumentRenderer()) {
        self.renderer = renderer
    }

    /// Renders `template` filled with `fields` to a fax TIFF at `output`.
    /// The logo (untrusted: uploaded by a user) is reduced to a small bilevel image in the sandbox first.
    public func render(_ template: CoverPageTemplate, fields: CoverPageFields, to output: URL) throws(RenderError) -> RenderedDocument {
        let work = try Workspace()
        defer { work.remove() }
        var logo: TextDocument.Logo?
        if let url = fields.logo { logo = try renderLogo(url, in: work) }
        var document = TextDocument(lines: template.lines(with: fields, hasLogo: logo != nil), paper: renderer.options.paper)
        document.logo = logo
        let pdf = try work.write(document.pdf(), as: "cover.pdf")
        return try renderer.render(pdf, fileName: "cover.pdf", to: output)
    }

    /// Renders a whole outbound fax: the attachments first (so the cover page can state the
    /// real page count), then the cover page, joined cover first into one fax TIFF. The page
    /// limit applies to the whole fax.
    public func renderFax(
        _ template: CoverPageTemplate, fields: CoverPageFields,
        attachments: [(url: URL, fileName: String?)], to output: URL
    ) throws(RenderError) -> RenderedDocument {
        let work = try Workspace()
        defer { work.remove() }
        var parts: [URL] = []
        var fields = fields
        fields.pageCount = 1
        if !attachments.isEmpty {
            let body = work.directory.appendingPathComponent("attachments.tif")
            let rendered = try renderer.render(attachments, to: body)
            guard rendered.pages < renderer.options.maximumPages else { throw .tooManyPages(limit: renderer.options.maximumPages) }
            fields.pageCount += rendered.pages
            parts.append(body)
        }
        let cover = work.directory.appendingPathComponent("cover.tif")
        _ = try render(template, fields: fields, to: cover)
        return try renderer.join([cover] + parts, to: output)
    }

    /// Logo → at most 600 × 200 pixels (about 2 × 0.7 in at 300 dpi), bilevel PBM.
    private func renderLogo(_ url: URL, in work: Workspace) throws(RenderError) -> TextDocument.Logo {
        let kind = DocumentKind.detect(url)
        guard [.png, .jpeg, .gif].contains(kind) else { throw .unsupportedType("logo must be PNG, JPEG or GIF") }
        let input = try work.copyIn(url, as: "logo.\(kind.rawValue)")
        let arguments = DocumentRenderer.magickLimits + [
            "\(kind == .jpeg ? "jpeg" : kind.rawValue):\(input.lastPathComponent)[0]", "-background", "white",
            "-alpha", "remove", "-alpha", "off", "-colorspace", "Gray", "-resize", "600x200>",
            "-threshold", "55%", "pbm:logo.pbm",
        ]
        let result = try SandboxedProcess(executable: renderer.tools.convert, arguments: arguments, directory: work.directory,
                                          limits: renderer.options.limits, environment: DocumentRenderer.magickEnvironment).run()
        guard result.succeeded, let data = try? Data(contentsOf: work.directory.appendingPathComponent("logo.pbm")),
              let logo = TextDocument.Logo(pbm: data)
        else { throw .damaged("the logo image could not be read") }
        return logo
    }
}
