/// A SIP request or response (RFC 3261 §7): start line, headers and body.
public struct SIPMessage: Sendable, Equatable {
    /// What the first line says.
    public enum StartLine: Sendable, Equatable {
        /// `METHOD uri SIP/2.0`.
        case request(method: SIPMethod, uri: SIPURI)
        /// `SIP/2.0 code reason`.
        case response(status: Int, reason: String)
    }

    /// The start line.
    public var startLine: StartLine
    /// The header fields (Content-Length is written by the serializer).
    public var headers: SIPHeaders
    /// The body (usually SDP).
    public var body: [UInt8]

    /// The largest message accepted or produced (a UDP datagram cannot carry more).
    public static let maximumSize = 65_507
    /// At most this many header lines.
    public static let maximumHeaderCount = 200
    /// At most this many bytes on one header line.
    public static let maximumLineLength = 8_192

    /// Creates a message.
    public init(startLine: StartLine, headers: SIPHeaders = SIPHeaders(), body: [UInt8] = []) {
        self.startLine = startLine
        self.headers = headers
        self.body = body
    }

    /// A request.
    public static func request(_ method: SIPMethod, _ uri: SIPURI, headers: SIPHeaders = SIPHeaders(), body: [UInt8] = []) -> SIPMessage {
        SIPMessage(startLine: .request(method: method, uri: uri), headers: headers, body: body)
    }

    /// The request method, or the CSeq method of a response.
    public var method: SIPMethod? {
        if case .request(let method, _) = startLine { return method }
        return cseq?.method
    }

    /// The status code of a response, nil for a request.
    public var status: Int? {
        if case .response(let status, _) = startLine { return status }
        return nil
    }

    /// True for a request.
    public var isRequest: Bool { status == nil }

    /// The Request-URI of a request.
    public var requestURI: SIPURI? {
        if case .request(_, let uri) = startLine { return uri }
        return nil
    }

    /// Call-ID.
    public var callID: String? { headers["Call-ID"] }

    /// The top Via.
    public var topVia: SIPVia? { headers.values("Via").first.flatMap { try? SIPVia(parsing: $0) } }

    /// Every Via, top first.
    public var vias: [SIPVia] { headers.values("Via").compactMap { try? SIPVia(parsing: $0) } }

    /// From.
    public var from: SIPNameAddress? { headers["From"].flatMap { try? SIPNameAddress(parsing: $0) } }

    /// To.
    public var to: SIPNameAddress? { headers["To"].flatMap { try? SIPNameAddress(parsing: $0) } }

    /// The first Contact.
    public var contact: SIPNameAddress? { headers.values("Contact").first.flatMap { try? SIPNameAddress(parsing: $0) } }

    /// CSeq.
    public var cseq: SIPCSeq? { headers["CSeq"].flatMap { try? SIPCSeq(parsing: $0) } }

    /// The Record-Route entries in header order.
    public var recordRoute: [SIPNameAddress] { headers.values("Record-Route").compactMap { try? SIPNameAddress(parsing: $0) } }

    /// The Content-Type without parameters, lowercased.
    public var contentType: String? {
        headers["Content-Type"].map { $0.split(separator: ";").first.map { $0.trimmingSIPWhitespace().lowercased() } ?? "" }
    }
}

/// The CSeq header: sequence number and method.
public struct SIPCSeq: Sendable, Equatable, CustomStringConvertible {
    /// The sequence number (below 2³¹).
    public var number: UInt32
    /// The method it belongs to.
    public var method: SIPMethod

    /// Creates a CSeq.
    public init(_ number: UInt32, _ method: SIPMethod) {
        self.number = number
        self.method = method
    }

    /// Parses `1 INVITE`.
    public init(parsing text: String) throws(SIPParseError) {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count == 2, parts[0].count <= 10, let number = UInt32(parts[0]), number < 1 << 31 else { throw .missingHeader("CSeq") }
        let method = SIPMethod(rawValue: String(parts[1]))
        guard method.isValidToken else { throw .missingHeader("CSeq") }
        self.init(number, method)
    }

    /// `number METHOD`.
    public var description: String { "\(number) \(method)" }
}
