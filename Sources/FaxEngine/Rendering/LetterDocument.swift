import Foundation

/// A short generated letter (a title, headed sections of text lines, a footer) as a PDF, for
/// documents the platform writes itself, such as a port request's Letter of Authorization.
public enum LetterDocument {
    /// The PDF of the letter; long lines wrap at word boundaries, pages break as needed.
    public static func pdf(title: String, sections: [(heading: String, lines: [String])], footer: String? = nil,
                           paper: PaperSize = .letter) -> Data {
        var lines: [TextDocument.Line] = [.init(text: title, style: .title), .init(text: "", style: .rule)]
        for section in sections {
            lines.append(.init(text: section.heading, style: .heading))
            for line in section.lines {
                for piece in wrap(line, width: 84) { lines.append(.init(text: piece, style: .body)) }
            }
            lines.append(.init(text: "", style: .body))
        }
        if let footer {
            lines.append(.init(text: "", style: .rule))
            for piece in wrap(footer, width: 110) { lines.append(.init(text: piece, style: .small)) }
        }
        return TextDocument(lines: lines, paper: paper).pdf()
    }

    /// Splits `text` into lines of at most `width` characters, at spaces where it can.
    static func wrap(_ text: String, width: Int) -> [String] {
        var result: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            var word = Substring(word)
            while word.count > width {
                if !current.isEmpty { result.append(current); current = "" }
                result.append(String(word.prefix(width)))
                word = word.dropFirst(width)
            }
            if current.isEmpty { current = String(word) } else if current.count + 1 + word.count <= width { current += " " + word } else {
                result.append(current)
                current = String(word)
            }
        }
        result.append(current)
        return result
    }
}
