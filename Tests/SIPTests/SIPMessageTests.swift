import SIP
import Testing

@Suite("SIPMessage parser and serializer")
struct SIPMessageTests {
    static let invite = """
        INVITE sip:+15550101@127.0.0.1:5080;user=phone SIP/2.0\r
        Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds;rport\r
        v: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKproxy\r
        Max-Forwards: 70\r
        To: <sip:+15550101@127.0.0.1>\r
        f: "Pagewire \\"Fax\\"" <sip:+15551230001@10.0.0.1>;tag=1928301774\r
        Call-ID: a84b4c76e66710@10.0.0.1\r
        CSeq: 314159 INVITE\r
        Contact: <sip:pagewire@10.0.0.1:5060>\r
        Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r
        Subject: folded\r
         header value\r
        Content-Type: application/sdp\r
        Content-Length: 3\r
        \r
        v=0
        """

    @Test("A full INVITE parses: compact names, quoted display name, lists, folding, body by Content-Length")
    func parsesInvite() throws {
        // act
        let message = try SIPMessage(parsing: Array(Self.invite.utf8))
        // check
        #expect(message.method == .invite)
        #expect(message.requestURI?.user == "+15550101")
        #expect(message.requestURI?.port == 5080)
        #expect(message.requestURI?.parameters["user"] == "phone")
        #expect(message.vias.count == 2)
        #expect(message.topVia?.branch == "z9hG4bK776asdhds")
        #expect(message.topVia?.port == 5060)
        #expect(message.from?.displayName == "Pagewire \"Fax\"")
        #expect(message.from?.tag == "1928301774")
        #expect(message.to?.tag == nil)
        #expect(message.cseq == SIPCSeq(314_159, .invite))
        #expect(message.recordRoute.map(\.uri.host) == ["p1.example.com", "p2.example.com"])
        #expect(message.headers["Subject"] == "folded header value")
        #expect(message.body == Array("v=0".utf8))
        #expect(message.contentType == "application/sdp")
    }

    @Test("Serializing and parsing again gives the same message")
    func roundTrip() throws {
        // setup
        let message = try SIPMessage(parsing: Array(Self.invite.utf8))
        // act
        let again = try SIPMessage(parsing: message.bytes)
        // check
        #expect(again == message)
        #expect(String(decoding: message.bytes, as: UTF8.self).contains("Content-Length: 3\r\n\r\nv=0"))
    }

    @Test("A response copies Via, From, Call-ID, CSeq and adds the To tag")
    func response() throws {
        // setup
        let request = try SIPMessage(parsing: Array(Self.invite.utf8))
        // act
        let response = request.response(486, toTag: "xyz")
        let parsed = try SIPMessage(parsing: response.bytes)
        // check
        #expect(parsed.status == 486)
        #expect(parsed.vias.count == 2)
        #expect(parsed.to?.tag == "xyz")
        #expect(parsed.from?.tag == "1928301774")
        #expect(parsed.cseq?.method == .invite)
        #expect(parsed.recordRoute.isEmpty, "Record-Route only goes back on 18x/2xx")
        #expect(request.response(200, toTag: "xyz").recordRoute.count == 2)
    }

    @Test("Unknown methods survive parsing (to be answered 501)")
    func unknownMethod() throws {
        // setup
        let text = Self.invite.replacingOccurrences("INVITE sip:", "FROBNICATE sip:").replacingOccurrences("314159 INVITE", "314159 FROBNICATE")
        // act
        let message = try SIPMessage(parsing: Array(text.utf8))
        // check
        #expect(message.method?.rawValue == "FROBNICATE")
        #expect(!SIPMethod.implemented.contains(message.method!))
    }

    @Test("Malformed messages fail with an error, never a crash", arguments: [
        "",
        "\r\n\r\n",
        "garbage",
        "INVITE sip:x@y SIP/2.0\r\n",  // no blank line
        "INVITE sip:x@y SIP/3.0\r\n\r\n",
        "INVITE  sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n",
        "INV ITE sip:x@y SIP/2.0\r\n\r\n",
        "SIP/2.0 99 Low\r\n\r\n",
        "SIP/2.0 7000 High\r\n\r\n",
        "SIP/2.0 abc Bad\r\n\r\n",
        "INVITE http://x SIP/2.0\r\n\r\n",
        "INVITE sip:@ SIP/2.0\r\n\r\n",
        "INVITE sip:x@y:99999 SIP/2.0\r\n\r\n",
        "INVITE sip:x@[::1 SIP/2.0\r\n\r\n",
        "OPTIONS sip:x@y SIP/2.0\r\nNoColonHere\r\n\r\n",
        "OPTIONS sip:x@y SIP/2.0\r\n: empty name\r\n\r\n",
        "OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: 1\r\nCSeq: 1 INVITE\r\n\r\n",
        "OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: 1\r\nCSeq: 99999999999999 OPTIONS\r\n\r\n",
        "OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 50\r\n\r\nshort",
        "OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\nContent-Length: -1\r\n\r\n",
        "OPTIONS sip:x@y SIP/2.0\r\nVia: garbage\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\n\r\n",
        "OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b\r\nTo: <sip:c@d>\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\n\r\n",
        "OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>\r\nTo: <sip:c@d>\r\nCSeq: 1 OPTIONS\r\n\r\n",
    ])
    func malformed(text: String) {
        #expect(throws: SIPParseError.self) { try SIPMessage(parsing: Array(text.utf8)) }
    }

    @Test("Hostile sizes: oversized datagrams, too many headers, endless lines, invalid UTF-8")
    func hostileSizes() {
        let head = "OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\n"
        #expect(throws: SIPParseError.tooLarge(70_000)) { try SIPMessage(parsing: [UInt8](repeating: 65, count: 70_000)) }
        let many = head + String(repeating: "X-A: b\r\n", count: 300) + "\r\n"
        #expect(throws: SIPParseError.tooManyHeaders) { try SIPMessage(parsing: Array(many.utf8)) }
        let long = head + "X-Long: " + String(repeating: "a", count: 10_000) + "\r\n\r\n"
        #expect(throws: SIPParseError.lineTooLong) { try SIPMessage(parsing: Array(long.utf8)) }
        var invalid = Array(head.utf8)
        invalid.insert(0xFF, at: 30)
        invalid += Array("\r\n".utf8)
        #expect(throws: SIPParseError.notText) { try SIPMessage(parsing: invalid) }
        #expect(throws: Never.self) { try SIPMessage(parsing: Array((head + "\r\n").utf8)) }
    }

    @Test("Random mutations of a valid message never crash the parser")
    func fuzz() {
        // setup
        var generator = SplitMix(seed: 0x5EED)
        let base = Array(Self.invite.utf8)
        var parsed = 0
        // act
        for _ in 0..<20_000 {
            var bytes = base
            for _ in 0...Int(generator.next() % 8) {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 4 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                case 1: bytes.remove(at: position)
                case 2: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
                default: bytes = Array(bytes.prefix(position))
                }
                if bytes.isEmpty { break }
            }
            if let message = try? SIPMessage(parsing: bytes) {
                parsed += 1
                _ = try? SIPMessage(parsing: message.bytes)
            }
        }
        // check: some mutations stay valid (e.g. in the body), most do not; none crashed.
        #expect(parsed > 0 && parsed < 20_000)
    }
}

/// A small deterministic generator for fuzz tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
