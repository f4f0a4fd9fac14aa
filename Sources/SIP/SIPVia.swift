/// One Via header value (RFC 3261 §20.42): `SIP/2.0/UDP host:port;branch=z9hG4bK…;rport`.
public struct SIPVia: Sendable, Equatable, CustomStringConvertible {
    /// `UDP` or `TCP`.
    public var transport: String
    /// The sent-by host.
    public var host: String
    /// The sent-by port, if given.
    public var port: Int?
    /// Parameters (`branch`, `received`, `rport`, …).
    public var parameters: SIPParameters

    /// The RFC 3261 magic cookie that starts every branch made by a compliant element.
    public static let branchCookie = "z9hG4bK"

    /// Creates a Via.
    public init(transport: String = "UDP", host: String, port: Int?, branch: String) {
        self.transport = transport
        self.host = host
        self.port = port
        parameters = SIPParameters([("branch", branch), ("rport", nil)])
    }

    /// Parses one Via value.
    public init(parsing text: String) throws(SIPParseError) {
        let text = text.trimmingSIPWhitespace()
        let protocolEnd = text.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? text.endIndex
        let parts = text[..<protocolEnd].split(separator: "/")
        guard parts.count == 3, parts[0].uppercased() == "SIP", parts[1] == "2.0" else { throw .missingHeader("Via") }
        transport = parts[2].uppercased()
        var rest = text[protocolEnd...].trimmingSIPWhitespace()[...]
        if let semicolon = rest.firstIndex(of: ";") {
            parameters = SIPParameters.parse(rest[rest.index(after: semicolon)...])
            rest = rest[..<semicolon]
        } else {
            parameters = SIPParameters()
        }
        do {
            (host, port) = try SIPURI.parseHostPort(Substring(rest.trimmingSIPWhitespace()))
        } catch {
            throw .missingHeader("Via")
        }
    }

    /// The transaction branch.
    public var branch: String? { parameters["branch"] }

    /// The wire form.
    public var description: String {
        var text = "SIP/2.0/\(transport) " + (host.contains(":") ? "[\(host)]" : host)
        if let port { text += ":\(port)" }
        return text + parameters.wireText
    }
}
