import FaxEngine
import Foundation
import PagewireCore
import Testing

/// Each hostile document must end as `invalid_attachment` with the specific reason its guard
/// gives (so removing the guard makes the test fail), and the test process stays up.
@Suite("Hostile documents")
struct HostileDocumentTests {
    static func renderError(_ input: URL, options: RenderOptions = RenderOptions(), fileName: String? = nil) -> RenderError? {
        let output = input.deletingLastPathComponent().appendingPathComponent("out.tif")
        do {
            _ = try DocumentRenderer(options: options).render(input, fileName: fileName, to: output)
            return nil
        } catch {
            #expect(error.resultCode == .invalidAttachment)
            #expect(!error.description.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: output.path), "a failed render left output behind")
            return error
        }
    }

    @Test("Corrupt PDF")
    func corruptPDF() throws {
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("corrupt.pdf")
        var bytes = Array("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\n".utf8)
        var seed: UInt32 = 7
        for _ in 0..<4_000 { seed = seed &* 1_103_515_245 &+ 12_345; bytes.append(UInt8(truncatingIfNeeded: seed >> 16)) }
        try Data(bytes).write(to: url)
        let error = Self.renderError(url)
        guard case .damaged = error else { Issue.record("expected damaged, got \(String(describing: error))"); return }
    }

    @Test("Truncated PDF")
    func truncatedPDF() throws {
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = try Data(contentsOf: FixtureMaker.pdf(pages: 6, in: directory))
        let url = directory.appendingPathComponent("truncated.pdf")
        try whole.prefix(whole.count / 2).write(to: url)
        let error = Self.renderError(url)
        guard case .damaged = error else { Issue.record("expected damaged, got \(String(describing: error))"); return }
    }

    @Test("Password-protected PDF")
    func passwordPDF() throws {
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try FixtureMaker.pdf(pages: 1, in: directory, userPassword: "secret")
        #expect(Self.renderError(url) == .passwordProtected)
    }

    @Test("PDF with zero pages")
    func zeroPages() throws {
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdf = FixtureMaker.pdfText(objects: ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"])
        let url = directory.appendingPathComponent("empty.pdf")
        try pdf.write(to: url, atomically: true, encoding: .utf8)
        let error = Self.renderError(url)
        #expect(error == .noPages || { if case .damaged = error { return true } else { return false } }(), "\(String(describing: error))")
    }

    @Test("More pages than the limit, for PDFs and multi-page TIFFs")
    func tooManyPages() throws {
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let options = RenderOptions(maximumPages: 5)
        let pdf = try FixtureMaker.pdf(pages: 8, in: directory)
        #expect(Self.renderError(pdf, options: options) == .tooManyPages(limit: 5))
        let tiff = try FixtureMaker.image(["-size", "200x200", "xc:white", "(", "+clone", ")", "(", "+clone", ")", "(", "+clone", ")",
                                           "(", "+clone", ")", "(", "+clone", ")"], name: "six.tif", in: directory)
        #expect(Self.renderError(tiff, options: options) == .tooManyPages(limit: 5))
        // exactly at the limit is fine
        #expect(Self.renderError(try FixtureMaker.pdf(pages: 5, in: directory, name: "five.pdf"), options: options) == nil)
    }

    @Test("Pixel bomb: a PNG that claims 100000 × 100000 pixels")
    func pixelBomb() throws {
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try FixtureMaker.lyingPNG(width: 100_000, height: 100_000, in: directory)
        #expect(Self.renderError(url) == .tooManyPixels(width: 100_000, height: 100_000))
    }

    @Test("Decompression bomb: 12000 × 12000 pixels of zeros in a PNG of a few kilobytes")
    func decompressionBomb() throws {
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // 144 megapixels (over the 100 MP limit) that inflate for real, in a small file.
        let url = try FixtureMaker.deflateBombPNG(side: 12_000, in: directory)
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
        #expect(size < 100_000)
        #expect(Self.renderError(url) == .tooManyPixels(width: 12_000, height: 12_000))
    }

    @Test("PDF amplification bomb: ten levels of forms that each draw the next ten times")
    func formBomb() throws {
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // 3 KB of PDF that asks for 10^9 strokes: Ghostscript would run for hours.
        var objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /X0 5 0 R >> >> /Contents 4 0 R >>",
            "<< /Length 6 >>\nstream\n/X0 Do\nendstream",
        ]
        for level in 0..<10 {
            let body = level < 9 ? Array(repeating: "q /X Do Q", count: 10).joined(separator: " ") : "0 0 m 100 100 l S"
            let resources = level < 9 ? "/Resources << /XObject << /X \(6 + level) 0 R >> >>" : ""
            objects.append("<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] \(resources) /Length \(body.utf8.count) >>\nstream\n\(body)\nendstream")
        }
        let url = directory.appendingPathComponent("forms.pdf")
        try FixtureMaker.pdfText(objects: objects).write(to: url, atomically: true, encoding: .utf8)
        // The CPU limit stops it (the wall-clock limit is only the backstop).
        let options = RenderOptions(limits: SandboxLimits(memoryBytes: 1 << 30, cpuSeconds: 3, fileBytes: 64 << 20, wallSeconds: 120))
        let error = Self.renderError(url, options: options)
        guard case .resourceLimit = error else { Issue.record("expected a resource limit, got \(String(describing: error))"); return }
    }

    @Test("A 1 × 100000 image")
    func thinImage() throws {
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try FixtureMaker.solidPNG(width: 1, height: 100_000, name: "thin.png", in: directory)
        #expect(Self.renderError(url) == .degenerateImage(width: 1, height: 100_000))
    }

    @Test("SVG that reads a local file, also disguised with a .png name")
    func svg() throws {
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = """
        <?xml version="1.0"?>
        <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="800" height="600">
          <image xlink:href="text:/etc/passwd" x="0" y="0" width="800" height="600"/>
        </svg>
        """
        for name in ["steal.svg", "steal.png"] {
            let url = directory.appendingPathComponent(name)
            try svg.write(to: url, atomically: true, encoding: .utf8)
            #expect(Self.renderError(url) == .unsupportedType("SVG"), "\(name)")
        }
    }

    @Test("PostScript that reads a local file, also disguised as .pdf and .txt")
    func postScript() throws {
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ps = """
        %!PS
        /Courier findfont 10 scalefont setfont
        /f (/etc/passwd) (r) file def
        72 700 moveto f 200 string readstring pop show showpage
        """
        for name in ["steal.ps", "steal.pdf", "steal.txt"] {
            let url = directory.appendingPathComponent(name)
            try ps.write(to: url, atomically: true, encoding: .utf8)
            #expect(Self.renderError(url) == .unsupportedType("PostScript"), "\(name)")
        }
    }

    @Test("An office document that links a local file does not pull it into the fax")
    func officeLink() throws {
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tools = RenderTools()
        // a local "secret": a large black square the document links to. LibreOffice stores the
        // link relative to the document, so the secret sits beside the scratch directory, where
        // the link also resolves from the renderer's own working directory.
        let secret = try FixtureMaker.image(["-size", "400x400", "xc:black"], name: "pagewire-secret-\(UUID().uuidString).png",
                                            in: directory.deletingLastPathComponent())
        defer { try? FileManager.default.removeItem(at: secret) }
        let flat = directory.appendingPathComponent("link.fodt")
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
        <office:body><office:text><text:p>Linked image follows.</text:p>
        <text:p><draw:frame draw:name="img" text:anchor-type="paragraph" svg:width="10cm" svg:height="10cm"><draw:image xlink:href="file://\(secret.path)" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame></text:p>
        </office:text></office:body></office:document>
        """.write(to: flat, atomically: true, encoding: .utf8)
        guard tools.hasOffice else {
            #expect(Self.renderError(flat, fileName: "link.odt") == .toolMissing("LibreOffice"))
            return
        }
        // LibreOffice keeps the link when it saves the ODT the attacker would send.
        try FixtureMaker.run(tools.soffice, ["--headless", "--norestore", "-env:UserInstallation=file://\(directory.path)/profile",
                                             "--convert-to", "odt", "--outdir", directory.path, flat.path])
        let odt = directory.appendingPathComponent("link.odt")
        let output = directory.appendingPathComponent("link.tif")
        _ = try DocumentRenderer().render(odt, to: output)
        let page = try #require(try FaxTIFF.readPages(output).first)
        // the text is there, the 10 cm black square is not
        #expect(page.blackPixels > 100)
        #expect(page.blackPixels < 50_000, "the linked local file was rendered")
    }

    @Test("Unknown binary data")
    func unknown() throws {
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("blob.pdf")
        try Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0x00, 0x00]).write(to: url)
        #expect(Self.renderError(url) == .unsupportedType("unrecognised"))
    }

    @Test("The sandbox kills a child at its wall-clock limit and stops memory and file hogs")
    func sandboxLimits() throws {
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tight = SandboxLimits(memoryBytes: 64 << 20, cpuSeconds: 5, fileBytes: 1 << 20, wallSeconds: 0.5)
        // a child that would hang forever, with a grandchild in its group
        let hang = try SandboxedProcess(executable: "/bin/sh", arguments: ["-c", "sleep 30 & sleep 30"], directory: directory, limits: tight).run()
        #expect(hang.termination == .timedOut)
        // a child that tries to hold 300 MB
        let hog = try SandboxedProcess(executable: "/bin/sh", arguments: ["-c", "x=$(head -c 300000000 /dev/zero | tr '\\0' a); echo ${#x}"],
                                       directory: directory, limits: tight).run()
        #expect(!hog.succeeded)
        #expect(!hog.output.contains("300000000"))
        // a child that writes a 10 MB file
        let writer = try SandboxedProcess(executable: "/bin/sh", arguments: ["-c", "head -c 10000000 /dev/zero > big"],
                                          directory: directory, limits: tight).run()
        #expect(!writer.succeeded)
        let written = (try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("big").path)[.size] as? Int) ?? 0
        #expect(written <= 1 << 20)
        // no descriptor of this process leaks into the child
        // (a high number: `ls` itself holds a low one, often 3, open on /proc/self/fd)
        let opened = open("/dev/null", O_RDONLY)
        let leaked = fcntl(opened, F_DUPFD, 700)
        close(opened)
        defer { close(leaked) }
        #expect(leaked >= 700)
        _ = fcntl(leaked, F_SETFD, 0)
        let fds = try SandboxedProcess(executable: "/bin/sh", arguments: ["-c", "ls /proc/self/fd"], directory: directory, limits: tight).run()
        #expect(fds.succeeded)
        #expect(!fds.output.split(separator: "\n").contains(Substring(String(leaked))), "\(fds.output)")
        // its working directory and temporary directory are its own
        let env = try SandboxedProcess(executable: "/bin/sh", arguments: ["-c", "pwd; echo $TMPDIR; env | wc -l"], directory: directory, limits: tight).run()
        #expect(env.succeeded)
        #expect(env.output.contains(directory.path))
    }
}
