import Crypto

/// HTTP digest authentication for SIP (RFC 3261 §22, RFC 8760): reads a `WWW-Authenticate`
/// or `Proxy-Authenticate` challenge and builds the matching `Authorization` value.
public struct SIPDigestChallenge: Sendable, Equatable {
    /// The hash the challenge asks for.
    public enum Algorithm: String, Sendable {
        /// MD5 (RFC 2617).
        case md5 = "MD5"
        /// SHA-256 (RFC 8760).
        case sha256 = "SHA-256"
    }

    /// Protection realm.
    public var realm: String
    /// Server nonce.
    public var nonce: String
    /// Opaque value to echo.
    public var opaque: String?
    /// Hash algorithm.
    public var algorithm: Algorithm
    /// True when the server offers `qop=auth`.
    public var qopAuth: Bool
    /// True when the server says the previous nonce was merely stale.
    public var stale: Bool

    /// Parses a challenge header value; fails for non-Digest schemes and unknown algorithms.
    public init(parsing header: String) throws(SIPParseError) {
        let text = header.trimmingSIPWhitespace()
        guard text.utf8.count <= 4_096, text.lowercased().hasPrefix("digest ") else { throw .badHeader("not a Digest challenge") }
        var values: [String: String] = [:]
        for part in SIPGrammar.splitTopLevel(String(text.dropFirst(7))) {
            guard let equals = part.firstIndex(of: "=") else { continue }
            var value = part[part.index(after: equals)...].trimmingSIPWhitespace()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            values[part[..<equals].trimmingSIPWhitespace().lowercased()] = value
        }
        guard let realm = values["realm"], let nonce = values["nonce"], !nonce.isEmpty else { throw .badHeader("Digest challenge without realm or nonce") }
        let algorithmName = values["algorithm"]?.uppercased() ?? "MD5"
        guard let algorithm = Algorithm(rawValue: algorithmName) else { throw .badHeader("Digest algorithm \(algorithmName.prefix(20))") }
        self.realm = realm
        self.nonce = nonce
        self.opaque = values["opaque"]
        self.algorithm = algorithm
        self.qopAuth = values["qop"].map { $0.split(separator: ",").contains { $0.trimmingSIPWhitespace().lowercased() == "auth" } } ?? false
        self.stale = values["stale"]?.lowercased() == "true"
    }

    /// The credentials header value for one request.
    ///
    /// - Parameters:
    ///   - cnonce: a fresh client nonce (used with `qop=auth`).
    ///   - nonceCount: how many times this nonce was used, starting at 1.
    public func authorization(username: String, password: String, method: SIPMethod, uri: String,
                              cnonce: String, nonceCount: Int = 1) -> String {
        let ha1 = hash("\(username):\(realm):\(password)")
        let ha2 = hash("\(method.rawValue):\(uri)")
        let nc = String(String(nonceCount, radix: 16).suffix(8)).leftPadded(to: 8)
        let response = qopAuth ? hash("\(ha1):\(nonce):\(nc):\(cnonce):auth:\(ha2)") : hash("\(ha1):\(nonce):\(ha2)")
        var parts = [
            "username=\"\(username)\"", "realm=\"\(realm)\"", "nonce=\"\(nonce)\"", "uri=\"\(uri)\"",
            "response=\"\(response)\"", "algorithm=\(algorithm.rawValue)",
        ]
        if qopAuth { parts += ["qop=auth", "nc=\(nc)", "cnonce=\"\(cnonce)\""] }
        if let opaque { parts.append("opaque=\"\(opaque)\"") }
        return "Digest " + parts.joined(separator: ", ")
    }

    /// Lower-case hex digest of `text` with this challenge's algorithm.
    func hash(_ text: String) -> String {
        let data = Array(text.utf8)
        switch algorithm {
        case .md5: return Insecure.MD5.hash(data: data).map { String(format2: $0) }.joined()
        case .sha256: return SHA256.hash(data: data).map { String(format2: $0) }.joined()
        }
    }
}

extension String {
    init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self = String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
