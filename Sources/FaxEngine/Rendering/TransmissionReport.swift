import Foundation

/// A transmission confirmation report as a one-page PDF (more pages when there are many
/// attempts): a title, the facts of the fax as aligned label/value rows, one line per attempt,
/// and optionally a thumbnail of the first page as it was sent.
///
/// The PDF is written directly with the standard fonts (the same writer that lays out text
/// documents for rendering), so making one needs no external tool and is cheap enough to do
/// per request. The caller formats times and numbers for its audience.
public struct TransmissionReport: Sendable {
    /// The heading, e.g. "Transmission confirmation".
    public var title: String
    /// Who sent it (brand or company name), shown under the title.
    public var subtitle: String?
    /// The facts: fax id, remote number, remote identifier (CSID), pages, times, result…
    public var facts: [(label: String, value: String)]
    /// One already formatted line per attempt, oldest first.
    public var attempts: [String]
    /// The first page as sent, shown small; nil leaves the thumbnail out.
    public var firstPage: FaxPage?
    /// Page size of the report itself.
    public var paper: PaperSize

    /// Creates a report.
    public init(title: String, subtitle: String? = nil, facts: [(label: String, value: String)], attempts: [String],
                firstPage: FaxPage? = nil, paper: PaperSize = .letter) {
        self.title = title
        self.subtitle = subtitle
        self.facts = facts
        self.attempts = attempts
        self.firstPage = firstPage
        self.paper = paper
    }

    /// Width of the thumbnail in pixels at the report's 300 dpi image scale (about 1.9 inches).
    static let thumbnailWidth = 576

    /// The report as PDF bytes.
    public func pdf() -> Data {
        typealias Line = TextDocument.Line
        var lines: [Line] = [Line(text: title, style: .title)]
        if let subtitle { lines.append(Line(text: subtitle, style: .heading)) }
        lines.append(Line(text: "", style: .rule))
        let width = min(24, (facts.map(\.label.count).max() ?? 0) + 2)
        for fact in facts {
            let label = (fact.label + ":").padding(toLength: max(width, fact.label.count + 2), withPad: " ", startingAt: 0)
            // Long values wrap under their value column.
            var rest = Substring(fact.value.isEmpty ? "-" : fact.value)
            var first = true
            repeat {
                let room = max(20, 80 - label.count)
                lines.append(Line(text: (first ? label : String(repeating: " ", count: label.count)) + String(rest.prefix(room)), style: .body))
                rest = rest.dropFirst(room)
                first = false
            } while !rest.isEmpty
        }
        lines.append(Line(text: "", style: .body))
        lines.append(Line(text: "Attempts", style: .heading))
        if attempts.isEmpty { lines.append(Line(text: "No attempt yet.", style: .body)) }
        for attempt in attempts {
            // Long lines continue indented under the attempt number.
            var rest = Substring(attempt)
            var first = true
            repeat {
                let room = first ? 80 : 76
                lines.append(Line(text: (first ? "" : "    ") + String(rest.prefix(room)), style: .body))
                rest = rest.dropFirst(room)
                first = false
            } while !rest.isEmpty
        }
        var document = TextDocument(lines: lines, paper: paper)
        if let page = firstPage, page.width > 0, page.height > 0 {
            document.lines.append(Line(text: "", style: .body))
            document.lines.append(Line(text: "First page", style: .heading))
            document.lines.append(Line(text: "", style: .logo))
            document.logo = Self.thumbnail(of: page, width: Self.thumbnailWidth)
        }
        return document.pdf()
    }

    /// A reduced bilevel copy of `page` with square pixels: a thumbnail pixel is black when at
    /// least a fifth of the page pixels it covers are.
    static func thumbnail(of page: FaxPage, width: Int) -> TextDocument.Logo {
        let xScale = Double(page.width) / Double(width)
        let yScale = xScale * page.yDPI / max(page.xDPI, 1)
        let height = max(1, Int((Double(page.height) / yScale).rounded()))
        let rowBytes = (width + 7) / 8
        var bits = [UInt8](repeating: 0, count: rowBytes * height)
        for ty in 0..<height {
            let y0 = Int(Double(ty) * yScale), y1 = max(y0 + 1, min(page.height, Int(Double(ty + 1) * yScale)))
            for tx in 0..<width {
                let x0 = Int(Double(tx) * xScale), x1 = max(x0 + 1, min(page.width, Int(Double(tx + 1) * xScale)))
                var black = 0
                for y in y0..<min(y1, page.height) {
                    for x in x0..<min(x1, page.width) where page[x, y] { black += 1 }
                }
                if black * 5 >= (y1 - y0) * (x1 - x0), black > 0 {
                    bits[ty * rowBytes + tx / 8] |= UInt8(0x80 >> (tx % 8))
                }
            }
        }
        return TextDocument.Logo(width: width, height: height, bits: Data(bits))
    }
}

extension TextDocument.Logo {
    /// A logo from packed rows (most significant bit first, 1 = black).
    init(width: Int, height: Int, bits: Data) {
        self.width = width
        self.height = height
        self.bits = bits
    }
}
