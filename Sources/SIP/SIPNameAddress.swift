/// A `name-addr` or `addr-spec` with header parameters, as in From, To, Contact, Route and
/// Record-Route: `"Display" <sip:user@host>;tag=abc`.
public struct SIPNameAddress: Sendable, Equatable, CustomStringConvertible {
    /// The quoted or token display name, if any.
    public var displayName: String?
    /// The address.
    public var uri: SIPURI
    /// Header parameters after the address (`tag`, `expires`, …).
    public var parameters: SIPParameters

    /// Creates an address.
    public init(displayName: String? = nil, uri: SIPURI, parameters: SIPParameters = SIPParameters()) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
    }

    /// Parses one address (not a comma-separated list).
    public init(parsing text: String) throws(SIPParseError) {
        let text = text.trimmingSIPWhitespace()
        if let open = text.firstIndex(of: "<") {
            guard let close = text[open...].firstIndex(of: ">") else { throw .badURI(String(text.prefix(80))) }
            var display = text[..<open].trimmingSIPWhitespace()
            if display.hasPrefix("\""), display.hasSuffix("\""), display.count >= 2 {
                display = String(display.dropFirst().dropLast()).replacingEscapes()
            }
            uri = try SIPURI(parsing: String(text[text.index(after: open)..<close]))
            displayName = display.isEmpty ? nil : display
            let after = text[text.index(after: close)...].trimmingSIPWhitespace()
            if after.isEmpty {
                parameters = SIPParameters()
            } else {
                guard after.hasPrefix(";") else { throw .badURI(String(text.prefix(80))) }
                parameters = SIPParameters.parse(after.dropFirst())
            }
        } else {
            // addr-spec: parameters after the URI belong to the header, not the URI.
            if let semicolon = text.firstIndex(of: ";") {
                uri = try SIPURI(parsing: String(text[..<semicolon]))
                parameters = SIPParameters.parse(text[text.index(after: semicolon)...])
            } else {
                uri = try SIPURI(parsing: text)
                parameters = SIPParameters()
            }
            displayName = nil
        }
    }

    /// The `tag` parameter (dialog identification).
    public var tag: String? {
        get { parameters["tag"] }
        set { parameters.set("tag", newValue) }
    }

    /// Always the name-addr form, so URI parameters never turn into header parameters.
    public var description: String {
        var text = ""
        if let displayName { text += "\"\(displayName.replacingOccurrencesOfQuote())\" " }
        return text + "<\(uri)>" + parameters.wireText
    }
}

extension String {
    func replacingEscapes() -> String {
        var result = ""
        var escaped = false
        for character in self {
            if escaped { result.append(character); escaped = false } else if character == "\\" { escaped = true } else { result.append(character) }
        }
        return result
    }

    func replacingOccurrencesOfQuote() -> String {
        var result = ""
        for character in self {
            if character == "\"" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
