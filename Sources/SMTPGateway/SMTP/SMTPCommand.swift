import Foundation

/// A command line from the client, split into verb and argument (RFC 5321 §4.1).
struct SMTPCommand: Equatable {
    /// Upper-cased verb.
    let verb: String
    /// The rest of the line after one space, as sent.
    let argument: String

    init(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if let space = trimmed.firstIndex(of: " ") {
            verb = trimmed[..<space].uppercased()
            argument = String(trimmed[trimmed.index(after: space)...]).trimmingCharacters(in: .whitespaces)
        } else {
            verb = trimmed.uppercased()
            argument = ""
        }
    }

    /// A `FROM:<path> params` or `TO:<path> params` argument: the path without brackets and the
    /// ESMTP parameters (upper-cased keys). Nil when the syntax is wrong.
    static func path(_ argument: String, prefix: String) -> (address: String, parameters: [String: String])? {
        guard argument.uppercased().hasPrefix(prefix) else { return nil }
        let rest = argument.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
        guard rest.hasPrefix("<"), let close = rest.firstIndex(of: ">") else { return nil }
        var address = String(rest[rest.index(after: rest.startIndex)..<close])
        // A source route (@a,@b:user@c) is ignored, as RFC 5321 allows.
        if address.hasPrefix("@"), let colon = address.firstIndex(of: ":") { address = String(address[address.index(after: colon)...]) }
        guard !address.contains(where: { $0 == " " || $0 == "<" || $0 == ">" || $0.asciiValue.map { $0 < 32 || $0 == 127 } ?? false }) else { return nil }
        var parameters: [String: String] = [:]
        for word in rest[rest.index(after: close)...].split(separator: " ") {
            let pair = word.split(separator: "=", maxSplits: 1)
            parameters[String(pair[0]).uppercased()] = pair.count > 1 ? String(pair[1]) : ""
        }
        return (address, parameters)
    }
}
