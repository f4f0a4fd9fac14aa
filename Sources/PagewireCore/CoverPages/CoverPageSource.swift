import Foundation

/// Checks an uploaded cover page template before it is stored: the `.coverpage` text format
/// (UTF-8 lines, `# `/`## `/`**`/`~ `/`---` styles, `{{token}}`s), nothing else.
///
/// Templates are rendered by Pagewire's own PDF writer (text is escaped there), so no upload
/// reaches Ghostscript as PostScript; the checks keep out what is clearly not a template (a PDF,
/// PostScript, HTML, office or binary file), text that hides what it says (control and
/// direction-override characters), sizes that would swamp rendering, and typos in tokens.
public enum CoverPageSource {
    /// The largest template accepted.
    public static let maximumBytes = 64 * 1024
    public static let maximumLines = 300
    public static let maximumLineLength = 500

    /// The tokens a template may use (`{{logo}}` only on a line of its own).
    public static let tokens = [
        "sender_name", "sender_company", "sender_fax", "sender_phone", "sender_email", "recipient_name", "recipient_company",
        "recipient_fax", "subject", "message", "page_count", "date", "logo",
    ]

    /// The template text in `bytes`, or why it is refused.
    public static func validate(_ bytes: [UInt8]) throws(CoverPageError) -> String {
        guard !bytes.isEmpty else { throw .invalidTemplate("the file is empty") }
        guard bytes.count <= maximumBytes else {
            throw .invalidTemplate("the file has \(bytes.count) bytes; a template has at most \(maximumBytes / 1024) KiB")
        }
        let signatures: [([UInt8], String)] = [
            (Array("%PDF".utf8), "a PDF"), (Array("%!".utf8), "PostScript"), (Array("{\\rtf".utf8), "an RTF document"),
            ([0x50, 0x4B, 0x03, 0x04], "an office document or ZIP archive"), ([0xD0, 0xCF, 0x11, 0xE0], "an office document"),
            (Array("GIF8".utf8), "an image"), ([0x89, 0x50, 0x4E, 0x47], "an image"), ([0xFF, 0xD8, 0xFF], "an image"),
            ([0x49, 0x49, 0x2A, 0x00], "a TIFF image"), ([0x4D, 0x4D, 0x00, 0x2A], "a TIFF image"), ([0x7F, 0x45, 0x4C, 0x46], "a program"),
        ]
        if let match = signatures.first(where: { bytes.starts(with: $0.0) }) {
            throw .invalidTemplate("this is \(match.1), not a cover page template (a .coverpage text file)")
        }
        guard var text = String(data: Data(bytes), encoding: .utf8) else {
            throw .invalidTemplate("the file is not UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        text = text.replacingOccurrences(of: "\r\n", with: "\n")
        let lower = text.lowercased()
        for marker in ["<script", "<html", "<!doctype", "<?xml", "<svg", "<iframe", "javascript:"] where lower.contains(marker) {
            throw .invalidTemplate("markup (\(marker)…) is not allowed; a template is plain text lines")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count <= maximumLines else { throw .invalidTemplate("it has \(lines.count) lines; at most \(maximumLines)") }
        for (index, line) in lines.enumerated() {
            let n = index + 1
            if line.count > maximumLineLength { throw .invalidTemplate("line \(n) is longer than \(maximumLineLength) characters") }
            if let bad = line.unicodeScalars.first(where: isHidden) {
                throw .invalidTemplate("line \(n) has a control or invisible character (U+\(String(bad.value, radix: 16, uppercase: true)))")
            }
            try checkTokens(line, lineNumber: n)
        }
        guard text.contains(where: { !$0.isWhitespace }) else { throw .invalidTemplate("the file has no text") }
        return text
    }

    /// Control characters other than tab, and direction overrides that make text read differently from how it is stored.
    static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200B...0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: true
        default: false
        }
    }

    private static func checkTokens(_ line: Substring, lineNumber n: Int) throws(CoverPageError) {
        var rest = line
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw .invalidTemplate("line \(n): a token opened with {{ is not closed with }}")
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard tokens.contains(name) else {
                throw .invalidTemplate("line \(n): {{\(name)}} is not a token; use " + tokens.map { "{{\($0)}}" }.joined(separator: ", "))
            }
            if name == "logo", line.trimmingCharacters(in: .whitespaces) != "{{logo}}" {
                throw .invalidTemplate("line \(n): {{logo}} stands on a line of its own")
            }
            rest = rest[close.upperBound...]
        }
    }

    /// A display name: trimmed, 1 to 100 characters, no control characters.
    public static func validName(_ name: String) throws(CoverPageError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalidName("is empty") }
        guard trimmed.count <= 100 else { throw .invalidName("is longer than 100 characters") }
        guard !trimmed.unicodeScalars.contains(where: isHidden) else { throw .invalidName("has control characters") }
        return trimmed
    }
}
