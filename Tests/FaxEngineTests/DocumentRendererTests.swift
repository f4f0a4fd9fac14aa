import FaxEngine
import Foundation
import PagewireCore
import Testing

@Suite("Document rendering")
struct DocumentRendererTests {
    /// Renders and reads back the pages.
    static func render(_ input: URL, options: RenderOptions = RenderOptions(), fileName: String? = nil) throws -> [FaxPage] {
        let output = input.deletingLastPathComponent().appendingPathComponent("out-\(UUID().uuidString.prefix(6)).tif")
        let rendered = try DocumentRenderer(options: options).render(input, fileName: fileName, to: output)
        let pages = try FaxTIFF.readPages(output)
        #expect(rendered.pages == pages.count)
        #expect(try FaxTIFF.checkSendable(output) == pages.count)
        return pages
    }

    @Test("PDF at every resolution and paper size", arguments: FaxResolution.allCases, PaperSize.allCases)
    func pdf(resolution: FaxResolution, paper: PaperSize) throws {
        // setup
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdf = try FixtureMaker.pdf(pages: 3, in: directory)
        // act
        let pages = try Self.render(pdf, options: RenderOptions(resolution: resolution, paper: paper))
        // check
        #expect(pages.count == 3)
        for page in pages {
            #expect(page.width == resolution.width)
            #expect(page.height == paper.rows(at: resolution))
            #expect(Int(page.xDPI.rounded()) == resolution.xDPI && Int(page.yDPI.rounded()) == resolution.yDPI)
            #expect(page.blackPixels > 1_000)
        }
    }

    @Test("Rendered pages are faxed pixel for pixel", arguments: [FaxResolution.standard, .fine, .superfine])
    func renderedPagesFax(resolution: FaxResolution) throws {
        // setup
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdf = try FixtureMaker.pdf(pages: 2, in: directory)
        let document = directory.appendingPathComponent("fax.tif")
        _ = try DocumentRenderer(options: RenderOptions(resolution: resolution)).render(pdf, to: document)
        let received = directory.appendingPathComponent("received.tif")
        let sender = try FaxSession(configuration: .init(role: .send(document: document), isCaller: true), transport: .t38())
        let receiver = try FaxSession(configuration: .init(role: .receive(into: received), isCaller: false), transport: .t38())
        var loop = FaxLoopback(caller: sender, answerer: receiver)
        // act
        loop.run()
        // check
        #expect(sender.outcome?.resultCode == .ok)
        #expect(receiver.outcome?.statistics.pages == 2)
        #expect(try FaxTIFF.readPages(received) == FaxTIFF.readPages(document))
    }

    @Test("Images: TIFF (colour LZW, greyscale JPEG-in-TIFF, multi-page), PNG, JPEG, GIF")
    func images() throws {
        // setup
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases: [(URL, Int)] = [
            (try FixtureMaker.image(["-size", "1200x900", "plasma:fractal", "-compress", "LZW"], name: "colour.tif", in: directory), 1),
            (try FixtureMaker.image(["-size", "900x1200", "gradient:", "-compress", "JPEG"], name: "grey.tif", in: directory), 1),
            (try FixtureMaker.image(["-size", "1700x2200", "xc:white", "-fill", "black", "-draw", "rectangle 100,100 1600,300",
                                     "(", "+clone", ")", "(", "+clone", ")", "-monochrome", "-compress", "Group4"], name: "three.tif", in: directory), 3),
            (try FixtureMaker.image(["-size", "640x480", "xc:white", "-fill", "black", "-draw", "circle 320,240 320,50"], name: "line.png", in: directory), 1),
            (try FixtureMaker.image(["-size", "3000x2000", "plasma:", "-quality", "85"], name: "photo.jpg", in: directory), 1),
            (try FixtureMaker.image(["-size", "300x200", "xc:white", "-fill", "black", "-draw", "rectangle 20,20 280,180"], name: "box.gif", in: directory), 1),
        ]
        for (input, expected) in cases {
            // act
            let pages = try Self.render(input)
            // check
            #expect(pages.count == expected, "\(input.lastPathComponent)")
            for page in pages {
                #expect(page.width == 1728 && page.height == 2156, "\(input.lastPathComponent)")
                #expect(page.blackPixels > 500, "\(input.lastPathComponent) is blank")
            }
        }
    }

    @Test("A photo is dithered, line art stays sharp")
    func ditherOrThreshold() throws {
        // setup
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let gradient = try FixtureMaker.image(["-size", "1728x400", "gradient:white-black", "-quality", "90"], name: "gradient.jpg", in: directory)
        let box = try FixtureMaker.image(["-size", "1728x400", "xc:white", "-fill", "gray20", "-draw", "rectangle 0,100 1727,300"], name: "box.png", in: directory)
        // act
        let photo = try Self.render(gradient)[0]
        let art = try Self.render(box)[0]
        // check: a dithered gradient has black pixels spread over many rows with mixed neighbours
        let middle = 2156 / 2
        let mixed = (0..<1727).filter { photo[$0, middle] != photo[$0 + 1, middle] }.count
        #expect(mixed > 100)
        // the grey box became solid black, its edges are straight
        let rows = (0..<2156).filter { art[864, $0] }
        #expect(rows.count > 180 && rows.count < 200)
        #expect((0..<1728).allSatisfy { art[$0, rows[rows.count / 2]] })
    }

    @Test("Plain text becomes pages")
    func text() throws {
        // setup
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("notes.txt")
        // 130 lines, every tenth wrapped onto three: 156 printed lines, 57 to a letter page.
        try (1...130).map { "Line \($0): plain text (with parentheses) and ümlauts" + ($0 % 10 == 0 ? String(repeating: "x", count: 200) : "") }
            .joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        // act
        let pages = try Self.render(url)
        // check
        #expect(pages.count == 3)
        #expect(pages.allSatisfy { $0.width == 1728 && $0.height == 2156 && $0.blackPixels > 5_000 })
    }

    @Test("Office documents go through LibreOffice when it is installed")
    func office() throws {
        // setup
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("letter.rtf")
        try #"{\rtf1\ansi\deff0{\fonttbl{\f0 Times New Roman;}}\f0\fs28 Dear customer,\par This RTF letter is a fax test.\par\page Second page.\par}"#
            .write(to: url, atomically: true, encoding: .utf8)
        // act / check
        if RenderTools().hasOffice {
            let pages = try Self.render(url)
            #expect(pages.count == 2)
            #expect(pages.allSatisfy { $0.width == 1728 && $0.blackPixels > 100 })
        } else {
            #expect(throws: RenderError.toolMissing("LibreOffice")) { try Self.render(url) }
        }
    }

    @Test("DOCX, ODT, DOC and XLSX go through LibreOffice when it is installed")
    func officeFormats() throws {
        // setup: the fixtures are made by LibreOffice itself from an RTF letter and a CSV sheet
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tools = RenderTools()
        let rtf = directory.appendingPathComponent("letter.rtf")
        try #"{\rtf1\ansi\deff0{\fonttbl{\f0 Times New Roman;}}\f0\fs28 Office format test.\par}"#
            .write(to: rtf, atomically: true, encoding: .utf8)
        let csv = directory.appendingPathComponent("sheet.csv")
        try "Item,Pages\nReferral,3\nLab results,2\n".write(to: csv, atomically: true, encoding: .utf8)
        guard tools.hasOffice else {
            #expect(throws: RenderError.toolMissing("LibreOffice")) { try Self.render(rtf) }
            return
        }
        let profile = "-env:UserInstallation=file://\(directory.path)/profile"
        for format in ["docx", "odt", "doc"] {
            try FixtureMaker.run(tools.soffice, ["--headless", "--norestore", profile, "--convert-to", format, "--outdir", directory.path, rtf.path])
        }
        try FixtureMaker.run(tools.soffice, ["--headless", "--norestore", profile, "--convert-to", "xlsx", "--outdir", directory.path, csv.path])
        for name in ["letter.docx", "letter.odt", "letter.doc", "sheet.xlsx"] {
            // act
            let pages = try Self.render(directory.appendingPathComponent(name))
            // check
            #expect(pages.count == 1, "\(name)")
            #expect(pages.allSatisfy { $0.width == 1728 && $0.height == 2156 && $0.blackPixels > 200 }, "\(name)")
        }
    }

    @Test("Several documents join into one fax; the page limit covers the whole set")
    func join() throws {
        // setup
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdf = try FixtureMaker.pdf(pages: 2, in: directory)
        let png = try FixtureMaker.image(["-size", "400x300", "xc:white", "-fill", "black", "-draw", "rectangle 10,10 390,290"], name: "a.png", in: directory)
        let output = directory.appendingPathComponent("fax.tif")
        // act
        let rendered = try DocumentRenderer().render([(pdf, nil), (png, nil)], to: output)
        // check
        #expect(rendered.pages == 3)
        #expect(try FaxTIFF.readPages(output).count == 3)
        #expect(throws: RenderError.tooManyPages(limit: 2)) {
            try DocumentRenderer(options: RenderOptions(maximumPages: 2)).render([(pdf, nil), (png, nil)], to: output)
        }
    }

    @Test("A received fax becomes a PDF, a TIFF, a high-resolution TIFF and single pages")
    func received() throws {
        // setup: a received standard-resolution fax
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fax = directory.appendingPathComponent("received.tif")
        let sent = [TestPages.page(number: 1, height: 1_078, yDPI: 98), TestPages.page(number: 2, height: 1_078, yDPI: 98)]
        try FaxTIFF.write(sent, to: fax)
        let converter = ReceivedFaxConverter()
        // act
        let pdf = directory.appendingPathComponent("fax.pdf")
        try converter.pdf(from: fax, to: pdf)
        let high = directory.appendingPathComponent("high.tif")
        try converter.highResolutionTIFF(from: fax, to: high)
        let split = try converter.splitPages(from: fax, into: directory)
        // check
        #expect(String(decoding: try Data(contentsOf: pdf).prefix(5), as: UTF8.self) == "%PDF-")
        let back = try Self.render(pdf, options: RenderOptions(resolution: .standard))
        #expect(back.count == 2)
        let highPages = try FaxTIFF.readPages(high)
        #expect(highPages.map(\.height) == [2_156, 2_156])
        #expect(highPages.allSatisfy { Int($0.yDPI.rounded()) == 196 })
        #expect(highPages[0][5, 41] == sent[0][5, 20] && highPages[0].blackPixels == sent[0].blackPixels * 2)
        #expect(split.count == 2)
        #expect(try split.map { try FaxTIFF.readPages($0) } == [[sent[0]], [sent[1]]])
    }

    @Test("Cover pages render from the shipped templates with their tokens")
    func coverPages() throws {
        // setup
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/Templates/coverpages")
        var fields = CoverPageFields()
        fields.senderName = "Dr. Ada Example"
        fields.senderCompany = "Example Clinic"
        fields.senderFax = "+1 555 010 0001"
        fields.senderPhone = "+1 555 010 0002"
        fields.recipientName = "Records Department"
        fields.recipientFax = "+1 555 010 0003"
        fields.subject = "Referral"
        fields.message = "Please find the referral attached.\nCall me with questions."
        fields.pageCount = 4
        fields.date = Date(timeIntervalSince1970: 1_700_000_000)
        fields.timeZone = TimeZone(identifier: "America/New_York")!
        fields.dateFormat = "yyyy-MM-dd HH:mm zzz"
        fields.logo = try FixtureMaker.image(["-size", "500x160", "xc:white", "-fill", "black", "-draw", "rectangle 0,0 499,159"],
                                             name: "logo.png", in: directory)
        var inked: [String: Int] = [:]
        for name in CoverPageTemplate.builtIn {
            let template = try CoverPageTemplate.load(named: name, from: templates)
            // act
            let output = directory.appendingPathComponent("\(name).tif")
            let rendered = try CoverPageRenderer().render(template, fields: fields, to: output)
            // check
            #expect(rendered.pages == 1)
            let page = try #require(try FaxTIFF.readPages(output).first)
            #expect(page.width == 1728 && page.height == 2156)
            inked[name] = page.blackPixels
            // the logo is a solid block near the top-left corner
            #expect(page[300, 200] && page[200, 220], "\(name): logo missing")
        }
        // the healthcare page carries the confidentiality notice: more ink than the plain one
        #expect((inked["healthcare"] ?? 0) > (inked["plain"] ?? 0) + 5_000)
        // a whole fax: cover page first, counting itself and the attachment's pages
        let attachment = try FixtureMaker.pdf(pages: 2, in: directory)
        let fax = directory.appendingPathComponent("fax.tif")
        let plain = try CoverPageTemplate.load(named: "plain", from: templates)
        let whole = try CoverPageRenderer().renderFax(plain, fields: fields, attachments: [(attachment, nil)], to: fax)
        #expect(whole.pages == 3)
        let faxPages = try FaxTIFF.readPages(fax)
        #expect(faxPages.count == 3)
        #expect(faxPages[0][300, 200] && !faxPages[1][300, 200], "the cover page (with its logo) comes first")
        // tokens: date in the account's zone and format; empty tokens drop their line
        let template = try CoverPageTemplate.load(named: "plain", from: templates)
        let text = template.preview(with: fields)
        #expect(text.contains("Date: 2023-11-14 17:13 EST"))
        #expect(text.contains("Pages: 4"))
        #expect(!text.contains("{{"))
        #expect(!text.contains("recipient_company"))
    }
}
