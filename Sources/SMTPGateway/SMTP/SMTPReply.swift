import Foundation

/// One SMTP reply: a code, an enhanced status code (RFC 3463) and text, possibly several lines.
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    /// The three-digit reply code.
    public var code: Int
    /// Lines of text (the first carries the enhanced status code when there is one).
    public var lines: [String]

    /// A reply; `status` is the enhanced status code, e.g. "5.1.1".
    public init(_ code: Int, _ status: String?, _ text: String) {
        self.code = code
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        self.lines = [status.map { "\($0) \(clean)" } ?? clean]
    }

    /// A multi-line reply (EHLO).
    public init(_ code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// The bytes on the wire.
    public var wire: String {
        lines.enumerated().map { i, line in "\(code)\(i == lines.count - 1 ? " " : "-")\(line)\r\n" }.joined()
    }

    /// The reply as sent.
    public var description: String { wire }
}
