import Mustache

/// HTML escaping for the pages swift-mustache renders, decided per Unicode scalar.
///
/// swift-mustache's own HTML escaping looks each `Character` up in a table; a quote followed
/// by a combining mark is one `Character` that the table does not hold, so the quote went out
/// unescaped and could close an attribute. `PageRenderer` puts `pragma` at the top of every
/// template it gives swift-mustache, so values are escaped here instead, exactly as
/// `CompiledTemplate` escapes them.
struct HTMLScalarEscaping: MustacheContentType {
    static let name = "PAGEWIRE_HTML"
    /// A standalone line selecting this escaping (swift-mustache removes it from the output).
    static let pragma = "{{% CONTENT_TYPE: \(name) }}\n"

    /// Registers the content type with swift-mustache (idempotent).
    static func register() {
        MustacheContentTypes.register(HTMLScalarEscaping(), named: name)
    }

    func escapeText(_ text: String) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped.append(contentsOf: "&amp;".unicodeScalars)
            case "<": escaped.append(contentsOf: "&lt;".unicodeScalars)
            case ">": escaped.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": escaped.append(contentsOf: "&quot;".unicodeScalars)
            case "'": escaped.append(contentsOf: "&#39;".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }
}
