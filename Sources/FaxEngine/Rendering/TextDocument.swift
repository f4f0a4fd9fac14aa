import Foundation

/// Lays out plain text (or a cover page) as a minimal PDF using the standard 14 fonts, so text
/// goes through the same Ghostscript path as every other document.
struct TextDocument {
    /// One line of output with its style.
    struct Line {
        enum Style { case body, title, heading, bold, small, rule, logo }
        var text: String
        var style: Style
    }

    /// A small bilevel image (1 = black), placed where a `.logo` line is.
    struct Logo: Equatable {
        var width: Int
        var height: Int
        var bits: Data

        /// Parses binary PBM (P4).
        init?(pbm: Data) {
            var fields: [Int] = []
            var index = pbm.startIndex
            guard pbm.count > 3, pbm.prefix(2) == Data("P4".utf8) else { return nil }
            index += 2
            while fields.count < 2, index < pbm.endIndex {
                let byte = pbm[index]
                if byte == UInt8(ascii: "#") {
                    while index < pbm.endIndex, pbm[index] != 0x0A { index += 1 }
                } else if (0x30...0x39).contains(byte) {
                    var value = 0
                    while index < pbm.endIndex, (0x30...0x39).contains(pbm[index]) { value = value * 10 + Int(pbm[index] - 0x30); index += 1 }
                    fields.append(value)
                    continue
                }
                index += 1
            }
            index += 1
            guard fields.count == 2, fields[0] > 0, fields[1] > 0 else { return nil }
            let size = (fields[0] + 7) / 8 * fields[1]
            guard pbm.endIndex - index >= size else { return nil }
            width = fields[0]
            height = fields[1]
            bits = Data(pbm[index..<index + size])
        }
    }

    var lines: [Line]
    var paper: PaperSize
    var logo: Logo?

    /// Plain text: Courier 10 pt, wrapped at 80 columns.
    init(text: String, paper: PaperSize) {
        let expanded = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\t", with: "    ")
        var lines: [Line] = []
        for raw in expanded.split(separator: "\n", omittingEmptySubsequences: false) {
            var rest = Substring(raw.filter { $0 != "\r" && $0 != "\u{0C}" })
            repeat {
                lines.append(Line(text: String(rest.prefix(80)), style: .body))
                rest = rest.dropFirst(80)
            } while !rest.isEmpty
        }
        self.init(lines: lines, paper: paper)
    }

    init(lines: [Line], paper: PaperSize) {
        self.lines = lines
        self.paper = paper
    }

    private var pageHeight: Double { paper.heightInches * 72 }
    private let pageWidth = 612.0
    private let margin = 54.0

    private func font(_ style: Line.Style) -> (name: String, size: Double, leading: Double) {
        switch style {
        case .body: ("F1", 10, 12)
        case .title: ("F3", 26, 34)
        case .heading: ("F3", 14, 20)
        case .bold: ("F3", 11, 15)
        case .small: ("F2", 8.5, 10.5)
        case .rule: ("F2", 11, 12)
        case .logo: ("F2", 11, Double(logo?.height ?? 0) * 72 / 300 + 8)
        }
    }

    /// The PDF bytes.
    func pdf() -> Data {
        var pages: [String] = []
        var content = ""
        var y = pageHeight - margin
        for line in lines {
            let style = font(line.style)
            if y - style.leading < margin {
                pages.append(content)
                content = ""
                y = pageHeight - margin
            }
            y -= style.leading
            if line.style == .logo, let logo {
                let (w, h) = (Double(logo.width) * 72 / 300, Double(logo.height) * 72 / 300)
                content += "q \(w) 0 0 \(h) \(margin) \(y + 4) cm /Logo Do Q\n"
            } else if line.style == .rule {
                content += "1.2 w \(margin) \(y + 6) m \(pageWidth - margin) \(y + 6) l S\n"
            } else if !line.text.isEmpty {
                content += "BT /\(style.name) \(style.size) Tf \(margin) \(y) Td (\(Self.escape(line.text))) Tj ET\n"
            }
        }
        pages.append(content)

        var objects: [Data] = []
        func add(_ text: String) { objects.append(Data(text.utf8)) }
        // 1 catalog, 2 pages, 3-5 fonts, 6 logo, then content/page pairs.
        let firstPage = 7
        let kids = pages.indices.map { "\(firstPage + $0 * 2 + 1) 0 R" }.joined(separator: " ")
        add("<< /Type /Catalog /Pages 2 0 R >>")
        add("<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>")
        add("<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>")
        add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
        let logo = self.logo ?? Logo(pbm: Data("P4\n1 1\n\u{0}".utf8))!
        var image = Data(("<< /Type /XObject /Subtype /Image /Width \(logo.width) /Height \(logo.height) "
            + "/BitsPerComponent 1 /ColorSpace /DeviceGray /Decode [1 0] /Length \(logo.bits.count) >>\nstream\n").utf8)
        image.append(logo.bits)
        image.append(Data("\nendstream".utf8))
        objects.append(image)
        for page in pages {
            let stream = Array(page.utf8)
            let contentNumber = objects.count + 1
            add("<< /Length \(stream.count) >>\nstream\n\(page)endstream")
            add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(pageWidth) \(pageHeight)] "
                + "/Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> /XObject << /Logo 6 0 R >> >> "
                + "/Contents \(contentNumber) 0 R >>")
        }
        var out = Data("%PDF-1.4\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(out.count)
            out.append(Data("\(index + 1) 0 obj\n".utf8))
            out.append(object)
            out.append(Data("\nendobj\n".utf8))
        }
        let xref = out.count
        var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { table += String(format: "%010d 00000 n \n", offset) }
        table += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        out.append(Data(table.utf8))
        return out
    }

    /// PDF string escaping; characters outside Latin-1 become "?" (the standard fonts have no others).
    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "(", ")", "\\": result += "\\\(scalar)"
            case _ where scalar.value < 32: result += " "
            case _ where scalar.value < 127: result.unicodeScalars.append(scalar)
            case _ where scalar.value >= 160 && scalar.value <= 255: result += String(format: "\\%03o", scalar.value)
            default: result += "?"
            }
        }
        return result
    }
}
