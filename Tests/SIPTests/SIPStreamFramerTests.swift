import SIP
import Testing

@Suite("SIP over TCP framing")
struct SIPStreamFramerTests {
    static let invite = Array((
        "INVITE sip:+15550101@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK1\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\n"
            + "To: <sip:+15550101@127.0.0.1>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 5\r\n\r\nv=0\r\n").utf8)
    static let options = Array((
        "OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK2\r\nFrom: <sip:a@127.0.0.1>;tag=2\r\n"
            + "To: <sip:127.0.0.1>\r\nCall-ID: c2\r\nCSeq: 1 OPTIONS\r\nl: 0\r\n\r\n").utf8)

    @Test func messagesAreCutByContentLengthWhateverTheSegments() throws {
        // two messages and a keep-alive in one segment
        var framer = SIPStreamFramer()
        let together = try framer.append(Self.invite + [13, 10, 13, 10] + Self.options)
        #expect(together == [Self.invite, Self.options])
        #expect(framer.pendingByteCount == 0)
        // the same bytes one at a time: each message comes out once, when its last body byte arrives
        var slow = SIPStreamFramer()
        var out: [[UInt8]] = []
        for byte in Self.invite + Self.options { out += try slow.append([byte]) }
        #expect(out == [Self.invite, Self.options])
        #expect(try SIPMessage(parsing: out[0]).body == Array("v=0\r\n".utf8))
    }

    @Test func streamsThatCannotBeFramedAreErrors() throws {
        var missing = SIPStreamFramer()
        #expect(throws: SIPParseError.badContentLength) {
            _ = try missing.append(Array("OPTIONS sip:x SIP/2.0\r\nCall-ID: c\r\n\r\n".utf8))
        }
        var huge = SIPStreamFramer()
        #expect(throws: SIPParseError.self) {
            _ = try huge.append(Array("OPTIONS sip:x SIP/2.0\r\nContent-Length: 9999999\r\n\r\n".utf8))
        }
        var endless = SIPStreamFramer()
        #expect(throws: SIPParseError.self) {
            _ = try endless.append([UInt8](repeating: 65, count: SIPMessage.maximumSize + 1))
        }
    }
}
