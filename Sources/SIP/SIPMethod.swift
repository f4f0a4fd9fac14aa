/// A SIP request method (RFC 3261 §7.1), kept as text so unknown methods survive parsing
/// and can be answered with `501 Not Implemented`.
public struct SIPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The method token as it appears on the wire (case-sensitive).
    public let rawValue: String

    /// Wraps a method token.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Starts or modifies a session.
    public static let invite = SIPMethod(rawValue: "INVITE")
    /// Acknowledges a final response to an INVITE.
    public static let ack = SIPMethod(rawValue: "ACK")
    /// Ends a dialog.
    public static let bye = SIPMethod(rawValue: "BYE")
    /// Cancels a pending INVITE.
    public static let cancel = SIPMethod(rawValue: "CANCEL")
    /// Asks for capabilities (also used as a keep-alive ping).
    public static let options = SIPMethod(rawValue: "OPTIONS")
    /// Registers a contact with a registrar.
    public static let register = SIPMethod(rawValue: "REGISTER")
    /// Session-timer refresh or mid-dialog update without offer/answer.
    public static let update = SIPMethod(rawValue: "UPDATE")
    /// Mid-dialog information (for example DTMF).
    public static let info = SIPMethod(rawValue: "INFO")

    /// The methods this stack implements, for the `Allow` header.
    public static let implemented: [SIPMethod] = [.invite, .ack, .bye, .cancel, .options]

    /// The token.
    public var description: String { rawValue }

    /// True for a token made only of RFC 3261 `token` characters.
    public var isValidToken: Bool {
        !rawValue.isEmpty && rawValue.utf8.allSatisfy(SIPGrammar.isTokenByte)
    }
}

/// Character classes of the RFC 3261 grammar.
enum SIPGrammar {
    /// `token` characters: alphanumerics and `-.!%*_+`'~`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "%"), UInt8(ascii: "*"),
             UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "`"), UInt8(ascii: "'"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Splits a header value at top-level commas (not inside quotes or angle brackets).
    static func splitTopLevel(_ value: String, separator: Character = ",") -> [String] {
        var parts: [String] = []
        var current = ""
        var inQuotes = false
        var angle = 0
        var escaped = false
        for character in value {
            if escaped { current.append(character); escaped = false; continue }
            switch character {
            case "\\" where inQuotes: escaped = true; current.append(character)
            case "\"": inQuotes.toggle(); current.append(character)
            case "<" where !inQuotes: angle += 1; current.append(character)
            case ">" where !inQuotes: angle = max(0, angle - 1); current.append(character)
            case separator where !inQuotes && angle == 0:
                parts.append(current.trimmingSIPWhitespace())
                current = ""
            default: current.append(character)
            }
        }
        let last = current.trimmingSIPWhitespace()
        if !last.isEmpty || !parts.isEmpty { parts.append(last) }
        return parts.filter { !$0.isEmpty }
    }

    /// Parses `;name=value;flag` parameters (the part after the first `;`).
    static func parameters(_ text: Substring) -> [(String, String?)] {
        var result: [(String, String?)] = []
        for piece in splitTopLevel(String(text), separator: ";") {
            if let equals = piece.firstIndex(of: "=") {
                let name = piece[..<equals].trimmingSIPWhitespace()
                var value = piece[piece.index(after: equals)...].trimmingSIPWhitespace()
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
                if !name.isEmpty { result.append((name, value)) }
            } else {
                let name = piece.trimmingSIPWhitespace()
                if !name.isEmpty { result.append((name, nil)) }
            }
        }
        return result
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs, CR and LF.
    func trimmingSIPWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" || first == "\r" || first == "\n" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" || last == "\n" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
