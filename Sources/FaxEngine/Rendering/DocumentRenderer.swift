import Foundation

/// Turns documents (PDF, TIFF, PNG, JPEG, GIF, plain text, office files) into fax pages:
/// 1728 px wide (3456 for 408 × 391), bilevel, fitted to letter or A4, Group 4, one multi-page
/// TIFF that SpanDSP accepts.
///
/// Every decoder of untrusted input (Ghostscript, ImageMagick, LibreOffice) runs in a
/// `SandboxedProcess`; this process only reads the bilevel TIFF they produce. Failures are
/// `RenderError`s (all `invalid_attachment`) with a reason for the sender. Calls block; run them
/// on a thread that may block (a job worker), not on an event loop.
public struct DocumentRenderer: Sendable {
    /// Resolution, paper, limits.
    public var options: RenderOptions
    /// External tool paths.
    public var tools: RenderTools

    /// Creates a renderer.
    public init(options: RenderOptions = RenderOptions(), tools: RenderTools = RenderTools()) {
        self.options = options
        self.tools = tools
    }

    /// Renders one document to a fax TIFF at `output`.
    ///
    /// - Parameters:
    ///   - input: the document.
    ///   - fileName: the name the user gave it (tells DOCX from other ZIP files); defaults to the file's name.
    ///   - output: where to write the fax TIFF.
    public func render(_ input: URL, fileName: String? = nil, to output: URL) throws(RenderError) -> RenderedDocument {
        let kind = DocumentKind.detect(head: Self.head(of: input), fileName: fileName ?? input.lastPathComponent)
        let work = try Workspace()
        defer { work.remove() }
        let rendered: URL
        switch kind {
        case .pdf:
            rendered = try renderPDF(work.copyIn(input, as: "input.pdf"), in: work)
        case .text:
            let text = try Self.readText(input)
            rendered = try renderPDF(work.write(TextDocument(text: text, paper: options.paper).pdf(), as: "input.pdf"), in: work)
        case .tiff, .png, .jpeg, .gif:
            rendered = try renderImage(work.copyIn(input, as: "input.\(kind.rawValue)"), kind: kind, in: work)
        case .office:
            guard tools.hasOffice else { throw .toolMissing("LibreOffice") }
            let name = "input." + ((fileName ?? input.lastPathComponent) as NSString).pathExtension.lowercased()
            let pdf = try convertOffice(work.copyIn(input, as: name == "input." ? "input.doc" : name), in: work)
            rendered = try renderPDF(pdf, in: work)
        case .svg:
            throw .unsupportedType("SVG")
        case .postscript:
            throw .unsupportedType("PostScript")
        case .unknown:
            throw .unsupportedType("unrecognised")
        }
        return try finish(rendered, to: output)
    }

    /// Renders several documents (e.g. a cover page and the attachments) into one fax TIFF,
    /// enforcing the page limit over the whole set.
    public func render(_ inputs: [(url: URL, fileName: String?)], to output: URL) throws(RenderError) -> RenderedDocument {
        guard !inputs.isEmpty else { throw .noPages }
        let work = try Workspace()
        defer { work.remove() }
        var parts: [URL] = []
        var total = 0
        for (index, input) in inputs.enumerated() {
            let part = work.directory.appendingPathComponent("part\(index).tif")
            let rendered = try render(input.url, fileName: input.fileName, to: part)
            total += rendered.pages
            guard total <= options.maximumPages else { throw .tooManyPages(limit: options.maximumPages) }
            parts.append(part)
        }
        return try join(parts, to: output)
    }

    /// Joins fax TIFFs (same resolution) into one, without re-encoding.
    public func join(_ parts: [URL], to output: URL) throws(RenderError) -> RenderedDocument {
        let work = try Workspace()
        defer { work.remove() }
        var names: [String] = []
        for (index, part) in parts.enumerated() { names.append(try work.copyIn(part, as: "p\(index).tif").lastPathComponent) }
        let result = try SandboxedProcess(executable: tools.tiffcp, arguments: ["-c", "g4"] + names + ["joined.tif"],
                                          directory: work.directory, limits: options.limits).run()
        guard result.succeeded else { throw .failed("joining pages: \(Self.lastLine(result.output))") }
        return try finish(work.directory.appendingPathComponent("joined.tif"), to: output)
    }

    // MARK: - Steps

    private func renderPDF(_ pdf: URL, in work: Workspace) throws(RenderError) -> URL {
        let resolution = options.resolution
        let device = resolution == .standard ? "tiffg3" : "tiffg4"
        let arguments = [
            "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dNOPROMPT", "-dNOSAFERQUIT",
            "-sDEVICE=\(device)", "-r\(resolution.xDPI)x\(resolution.yDPI)",
            "-g\(resolution.width)x\(options.pageRows)", "-dPDFFitPage", "-dFIXEDMEDIA",
            "-dLastPage=\(options.maximumPages + 1)", "-sOutputFile=out.tif", pdf.lastPathComponent,
        ]
        let result = try SandboxedProcess(executable: tools.ghostscript, arguments: arguments,
                                          directory: work.directory, limits: options.limits).run()
        try Self.check(result, tool: "Ghostscript")
        let output = result.output.lowercased()
        if output.contains("password") { throw .passwordProtected }
        guard result.succeeded else { throw .damaged(Self.ghostscriptReason(result.output)) }
        // Ghostscript "repairs" what it can and exits 0; a file it had to repair may have lost
        // pages or content, and a fax that silently lacks them is worse than asking again.
        if output.contains("**** error") || output.contains("unrecoverable") {
            throw .damaged(Self.ghostscriptReason(result.output))
        }
        let out = work.directory.appendingPathComponent("out.tif")
        guard FileManager.default.fileExists(atPath: out.path) else { throw .noPages }
        return out
    }

    private func renderImage(_ image: URL, kind: DocumentKind, in work: Workspace) throws(RenderError) -> URL {
        let coder = kind == .jpeg ? "jpeg" : kind.rawValue
        // GIF animations fax their first frame only.
        let source = "\(coder):\(image.lastPathComponent)" + (kind == .gif ? "[0]" : "")
        if let size = ImageHeader.dimensions(of: image, kind: kind) {
            try checkShape(width: size.width, height: size.height)
        }
        let frames = try probe(source, in: work)
        guard !frames.isEmpty else { throw .noPages }
        guard frames.count <= options.maximumPages else { throw .tooManyPages(limit: options.maximumPages) }
        for frame in frames { try checkShape(width: frame.width, height: frame.height) }
        var photo = kind == .jpeg
        if !photo, frames[0].depth > 1 { photo = try colourCount(source, in: work) > 32 }
        let resolution = options.resolution
        let squareRows = Int((options.paper.heightInches * Double(resolution.xDPI)).rounded())
        let bilevel = photo ? ["-dither", "FloydSteinberg", "-monochrome"] : ["-threshold", "55%"]
        let arguments = Self.magickLimits + [
            source, "-background", "white", "-alpha", "remove", "-alpha", "off", "-colorspace", "Gray",
            "-resize", "\(resolution.width)x\(squareRows)>", "-gravity", "center",
            "-extent", "\(resolution.width)x\(squareRows)",
            "-resize", "\(resolution.width)x\(options.pageRows)!",
        ] + bilevel + [
            "-type", "bilevel", "-units", "PixelsPerInch", "-density", "\(resolution.xDPI)x\(resolution.yDPI)",
            "-compress", "Group4", "tiff:out.tif",
        ]
        let result = try SandboxedProcess(executable: tools.convert, arguments: arguments, directory: work.directory,
                                          limits: options.limits, environment: Self.magickEnvironment).run()
        try Self.check(result, tool: "ImageMagick")
        guard result.succeeded else { throw .damaged(Self.lastLine(result.output)) }
        return work.directory.appendingPathComponent("out.tif")
    }

    /// Refuses pixel bombs and images too thin to print (1 × 100000).
    private func checkShape(width: Int, height: Int) throws(RenderError) {
        guard width.multipliedReportingOverflow(by: height).partialValue <= options.maximumPixels,
              width <= 1 << 20, height <= 1 << 20
        else { throw .tooManyPixels(width: width, height: height) }
        let short = min(width, height), long = max(width, height)
        guard short >= 8, long <= short * 50 else { throw .degenerateImage(width: width, height: height) }
    }

    private struct Frame { var width: Int; var height: Int; var depth: Int }

    /// Reads image headers only (no pixel decoding), so bombs are refused before they inflate.
    private func probe(_ source: String, in work: Workspace) throws(RenderError) -> [Frame] {
        let arguments = Self.magickLimits + ["-ping", "-format", "%w %h %z\n", source]
        let result = try SandboxedProcess(executable: tools.identify, arguments: arguments, directory: work.directory,
                                          limits: options.limits, environment: Self.magickEnvironment).run()
        try Self.check(result, tool: "ImageMagick")
        let frames = result.output.split(separator: "\n").compactMap { line -> Frame? in
            let fields = line.split(separator: " ").compactMap { Int($0) }
            return fields.count == 3 ? Frame(width: fields[0], height: fields[1], depth: fields[2]) : nil
        }
        if frames.isEmpty {
            let reason = Self.lastLine(result.output)
            if reason.contains("limit") { throw .tooManyPixels(width: 0, height: 0) }
            throw .damaged(reason)
        }
        return frames
    }

    /// Distinct colours in a thumbnail: many means a photo (dither), few means text or line art (threshold).
    private func colourCount(_ source: String, in work: Workspace) throws(RenderError) -> Int {
        let frame = source.hasSuffix("]") ? source : source + "[0]"
        let arguments = Self.magickLimits + [frame, "-resize", "256x256>", "-format", "%k", "info:"]
        let result = try SandboxedProcess(executable: tools.convert, arguments: arguments, directory: work.directory,
                                          limits: options.limits, environment: Self.magickEnvironment).run()
        try Self.check(result, tool: "ImageMagick")
        return Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last ?? "") ?? 2
    }

    private func convertOffice(_ document: URL, in work: Workspace) throws(RenderError) -> URL {
        let profile = work.directory.appendingPathComponent(".office-profile")
        // A fresh profile that refuses linked content (a document could otherwise pull a local
        // file such as /etc/passwd or an image into the fax) and never runs macros.
        let user = profile.appendingPathComponent("user")
        try? FileManager.default.createDirectory(at: user, withIntermediateDirectories: true)
        _ = try work.write(Data(Self.officeHardening.utf8), as: ".office-profile/user/registrymodifications.xcu")
        let arguments = ["--headless", "--norestore", "--nologo", "--nolockcheck", "--nodefault",
                         "-env:UserInstallation=\(profile.absoluteString)",
                         "--convert-to", "pdf", "--outdir", work.directory.path, document.lastPathComponent]
        let result = try SandboxedProcess(executable: tools.soffice, arguments: arguments, directory: work.directory,
                                          limits: options.officeLimits).run()
        try Self.check(result, tool: "LibreOffice")
        let pdf = document.deletingPathExtension().appendingPathExtension("pdf")
        guard FileManager.default.fileExists(atPath: pdf.path) else {
            throw .damaged("LibreOffice could not open it: \(Self.lastLine(result.output))")
        }
        return pdf
    }

    /// Checks the page count and the TIFF itself, then moves it into place.
    private func finish(_ rendered: URL, to output: URL) throws(RenderError) -> RenderedDocument {
        let pages: Int
        do {
            // Written just now by Ghostscript's, ImageMagick's or tiffcp's fax encoder: tags suffice.
            pages = try FaxTIFF.checkSendable(rendered, decode: false)
        } catch .noPages {
            throw .noPages
        } catch {
            throw .failed(error.description)
        }
        guard pages <= options.maximumPages else { throw .tooManyPages(limit: options.maximumPages) }
        do {
            try? FileManager.default.removeItem(at: output)
            try FileManager.default.moveItem(at: rendered, to: output)
        } catch {
            throw .failed("cannot write \(output.lastPathComponent)")
        }
        return RenderedDocument(url: output, pages: pages, resolution: options.resolution)
    }

    // MARK: - Helpers

    /// ImageMagick's own limits, below the process limits so it fails cleanly first.
    static let magickLimits = [
        "-limit", "memory", "256MiB", "-limit", "map", "512MiB", "-limit", "disk", "1GiB",
        "-limit", "area", "128MP", "-limit", "width", "32KP", "-limit", "height", "32KP",
        "-limit", "time", "60", "-limit", "thread", "1",
    ]

    /// LibreOffice settings for untrusted documents.
    static let officeHardening = """
        <?xml version="1.0" encoding="UTF-8"?>
        <oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
        <item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
        <item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
        <item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
        </oor:items>
        """

    static let magickEnvironment = ["MAGICK_THREAD_LIMIT": "1", "OMP_NUM_THREADS": "1"]

    private static func check(_ result: SandboxResult, tool: String) throws(RenderError) {
        switch result.termination {
        case .timedOut: throw .resourceLimit("\(tool) took too long")
        case .signalled: throw .resourceLimit("\(tool) was stopped by a resource limit")
        case .exited: break
        }
    }

    private static func ghostscriptReason(_ output: String) -> String {
        let line = output.split(separator: "\n").first { $0.contains("Error") || $0.contains("error") }
        return line.map { String($0.trimmingCharacters(in: .whitespaces).prefix(160)) } ?? "Ghostscript could not read the PDF"
    }

    static func lastLine(_ output: String) -> String {
        String(output.split(separator: "\n").last.map(String.init)?.prefix(160) ?? "no detail")
    }

    private static func head(of url: URL) -> [UInt8] {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: 4096)) ?? Data())
    }

    private static func readText(_ url: URL) throws(RenderError) -> String {
        guard let data = try? Data(contentsOf: url, options: .mappedIfSafe) else { throw .damaged("unreadable text") }
        guard data.count <= 4 << 20 else { throw .tooManyPages(limit: 200) }
        return String(decoding: data, as: UTF8.self)
    }
}
