/// A `sip:` or `sips:` URI (RFC 3261 §19.1): `sip:user@host:port;params?headers`.
public struct SIPURI: Sendable, Equatable, CustomStringConvertible {
    /// `sip` or `sips`.
    public var scheme: String
    /// The user part (a telephone number for fax calls), or nil for a host-only URI.
    public var user: String?
    /// Host name, IPv4 address, or IPv6 address without brackets.
    public var host: String
    /// The port, or nil for the default (5060, 5061 for sips).
    public var port: Int?
    /// URI parameters (`transport`, `lr`, `user=phone`, …).
    public var parameters: SIPParameters
    /// The `?headers` part, kept verbatim (without the `?`).
    public var headers: String?

    /// Creates a URI.
    public init(scheme: String = "sip", user: String? = nil, host: String, port: Int? = nil,
                parameters: SIPParameters = SIPParameters(), headers: String? = nil) {
        self.scheme = scheme
        self.user = user
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = headers
    }

    /// Parses a URI; fails with `SIPParseError.badURI` on anything that does not fit the grammar.
    public init(parsing text: String) throws(SIPParseError) {
        let text = text.trimmingSIPWhitespace()
        guard text.utf8.count <= 2_048, let colon = text.firstIndex(of: ":") else { throw .badURI(String(text.prefix(80))) }
        let scheme = text[..<colon].lowercased()
        guard scheme == "sip" || scheme == "sips" else { throw .badURI(String(text.prefix(80))) }
        var rest = text[text.index(after: colon)...]
        var headers: String?
        if let question = rest.firstIndex(of: "?") {
            headers = String(rest[rest.index(after: question)...])
            rest = rest[..<question]
        }
        var user: String?
        if let at = rest.lastIndex(of: "@") {
            var userInfo = rest[..<at]
            if let passwordColon = userInfo.firstIndex(of: ":") { userInfo = userInfo[..<passwordColon] }
            guard !userInfo.isEmpty, !userInfo.contains(where: { $0 == " " || $0 == "<" || $0 == ">" || $0 == "\"" }) else {
                throw .badURI(String(text.prefix(80)))
            }
            user = String(userInfo)
            rest = rest[rest.index(after: at)...]
        }
        var parameters = SIPParameters()
        if let semicolon = rest.firstIndex(of: ";") {
            parameters = SIPParameters.parse(rest[rest.index(after: semicolon)...])
            rest = rest[..<semicolon]
        }
        let (host, port) = try SIPURI.parseHostPort(rest)
        self.init(scheme: scheme, user: user, host: host, port: port, parameters: parameters, headers: headers)
    }

    /// Splits `host[:port]` (IPv6 in brackets) and checks both parts.
    static func parseHostPort(_ text: Substring) throws(SIPParseError) -> (String, Int?) {
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .badURI(String(text.prefix(80))) }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw .badURI(String(text.prefix(80))) }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { throw .badURI(String(text.prefix(80))) }
        } else {
            if let colon = text.firstIndex(of: ":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            } else {
                host = text
            }
            guard !host.isEmpty, host.utf8.allSatisfy({ byte in
                (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            }) else { throw .badURI(String(text.prefix(80))) }
        }
        var port: Int?
        if let portText {
            guard portText.count <= 5, let value = Int(portText), (1...65_535).contains(value) else { throw .badURI(String(text.prefix(80))) }
            port = value
        }
        return (String(host), port)
    }

    /// The URI as on the wire.
    public var description: String {
        var text = "\(scheme):"
        if let user { text += "\(user)@" }
        text += host.contains(":") ? "[\(host)]" : host
        if let port { text += ":\(port)" }
        text += parameters.wireText
        if let headers { text += "?\(headers)" }
        return text
    }

    /// The port to send to when none is given.
    public var effectivePort: Int { port ?? (scheme == "sips" ? 5061 : 5060) }
}
