import Foundation

/// Reads the subset of TOML that `config/pagewire.toml` uses: `[section]` tables, `key = value`
/// with basic or literal strings, integers, floats and booleans, and `#` comments.
/// Arrays and inline tables are refused with the line number, never guessed at.
struct TOMLSubset {
    struct ParseError: Error, CustomStringConvertible {
        let line: Int
        let reason: String
        var description: String { "line \(line): \(reason)" }
    }

    /// Flattens the document to `section.key` → value text (strings unquoted and unescaped).
    static func parse(_ text: String) throws(ParseError) -> [String: String] {
        var values: [String: String] = [:]
        var section = ""
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = stripComment(Substring(rawLine)).trimmingWhitespace()
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), !line.hasPrefix("[[") else {
                    throw ParseError(line: lineNumber, reason: "malformed table header")
                }
                let name = line.dropFirst().dropLast().trimmingWhitespace()
                guard !name.isEmpty, name.allSatisfy(isBareKeyCharacter) else {
                    throw ParseError(line: lineNumber, reason: "invalid table name '\(name)'")
                }
                section = String(name)
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw ParseError(line: lineNumber, reason: "expected key = value")
            }
            let key = line[..<equals].trimmingWhitespace()
            guard !key.isEmpty, key.allSatisfy(isBareKeyCharacter) else {
                throw ParseError(line: lineNumber, reason: "invalid key '\(key)'")
            }
            let fullKey = section.isEmpty ? String(key) : "\(section).\(key)"
            guard values[fullKey] == nil else {
                throw ParseError(line: lineNumber, reason: "duplicate key '\(fullKey)'")
            }
            values[fullKey] = try parseValue(line[line.index(after: equals)...].trimmingWhitespace(), line: lineNumber)
        }
        return values
    }

    private static func isBareKeyCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-")
    }

    /// Removes a `#` comment that is not inside a string.
    private static func stripComment(_ line: Substring) -> Substring {
        var quote: Character? = nil
        var escaped = false
        for i in line.indices {
            let c = line[i]
            if let q = quote {
                if escaped { escaped = false } else if c == "\\" && q == "\"" { escaped = true } else if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "#" {
                return line[..<i]
            }
        }
        return line
    }

    private static func parseValue(_ text: Substring, line: Int) throws(ParseError) -> String {
        guard let first = text.first else { throw ParseError(line: line, reason: "missing value") }
        switch first {
        case "\"":
            guard text.count >= 2, text.last == "\"" else { throw ParseError(line: line, reason: "unterminated string") }
            var out = ""
            var escaped = false
            for c in text.dropFirst().dropLast() {
                if escaped {
                    switch c {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "\\": out.append("\\")
                    case "\"": out.append("\"")
                    default: throw ParseError(line: line, reason: "unsupported escape \\\(c)")
                    }
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else if c == "\"" {
                    throw ParseError(line: line, reason: "unexpected quote inside string")
                } else {
                    out.append(c)
                }
            }
            if escaped { throw ParseError(line: line, reason: "unterminated escape") }
            return out
        case "'":
            guard text.count >= 2, text.last == "'" else { throw ParseError(line: line, reason: "unterminated string") }
            let inner = text.dropFirst().dropLast()
            if inner.contains("'") { throw ParseError(line: line, reason: "unexpected quote inside string") }
            return String(inner)
        case "[", "{":
            throw ParseError(line: line, reason: "arrays and inline tables are not supported here")
        default:
            let bare = String(text)
            let allowed = bare.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-._".contains($0)) }
            guard allowed else { throw ParseError(line: line, reason: "invalid value '\(bare)' (strings need quotes)") }
            return bare.replacingOccurrences(of: "_", with: "")
        }
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
