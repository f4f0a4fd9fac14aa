import Foundation

/// A cover page template (`Resources/Templates/coverpages/<name>.coverpage`; the format is
/// described in that folder's README).
public struct CoverPageTemplate: Sendable, Equatable {
    /// Template name (file name without extension).
    public var name: String
    /// The template text.
    public var source: String

    /// Wraps template text.
    public init(name: String, source: String) {
        self.name = name
        self.source = source
    }

    /// Errors loading a template.
    public enum LoadError: Error, Sendable, Equatable {
        /// No such template in the directory.
        case notFound(String)
    }

    /// Loads `<name>.coverpage` from a directory (read once at start-up).
    public static func load(named name: String, from directory: URL) throws(LoadError) -> CoverPageTemplate {
        let url = directory.appendingPathComponent("\(name).coverpage")
        guard let source = try? String(contentsOf: url, encoding: .utf8) else { throw .notFound(url.path) }
        return CoverPageTemplate(name: name, source: source)
    }

    /// The names of the templates that ship with Pagewire.
    public static let builtIn = ["plain", "healthcare"]

    /// The filled-in text, one line per page line (for previews in the portal and for tests).
    public func preview(with fields: CoverPageFields) -> String {
        lines(with: fields, hasLogo: false).map(\.text).joined(separator: "\n")
    }

    /// The template with tokens replaced, as styled lines; `hasLogo` says whether a `{{logo}}` line stays.
    func lines(with fields: CoverPageFields, hasLogo: Bool) -> [TextDocument.Line] {
        let tokens = fields.tokens
        var lines: [TextDocument.Line] = []
        for raw in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.trimmingCharacters(in: .whitespaces) == "{{logo}}" {
                if hasLogo { lines.append(.init(text: "", style: .logo)) }
                continue
            }
            var style = TextDocument.Line.Style.body
            var text = line
            if text.hasPrefix("# ") { style = .title; text.removeFirst(2) }
            else if text.hasPrefix("## ") { style = .heading; text.removeFirst(3) }
            else if text.hasPrefix("~ ") { style = .small; text.removeFirst(2) }
            else if text == "---" { lines.append(.init(text: "", style: .rule)); continue }
            else if text.hasPrefix("**"), text.hasSuffix("**"), text.count >= 4 { style = .bold; text = String(text.dropFirst(2).dropLast(2)) }
            let (filled, usedTokens, allEmpty) = Self.substitute(text, tokens)
            // A line made only of empty tokens (no company, no phone) is left out.
            if usedTokens && allEmpty && filled.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            for part in filled.split(separator: "\n", omittingEmptySubsequences: false) {
                for wrapped in Self.wrap(String(part), columns: style == .small ? 110 : (style == .body ? 90 : 60)) {
                    lines.append(.init(text: wrapped, style: style))
                }
            }
        }
        return lines
    }

    private static func substitute(_ text: String, _ tokens: [String: String]) -> (String, Bool, Bool) {
        var result = ""
        var rest = Substring(text)
        var used = false
        var allEmpty = true
        while let open = rest.range(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else { result += rest[open.lowerBound...]; rest = ""; break }
            let key = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if let value = tokens[key] {
                used = true
                if !value.isEmpty { allEmpty = false }
                result += value
            } else {
                result += rest[open.lowerBound..<close.upperBound]
                allEmpty = false
            }
            rest = rest[close.upperBound...]
        }
        result += rest
        return (result, used, allEmpty)
    }

    private static func wrap(_ line: String, columns: Int) -> [String] {
        guard line.count > columns else { return [line] }
        var lines: [String] = []
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty && current.count + 1 + word.count > columns {
                lines.append(current)
                current = ""
            }
            var word = Substring(word)
            while word.count > columns { lines.append(String(word.prefix(columns))); word = word.dropFirst(columns) }
            current += current.isEmpty ? String(word) : " " + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
