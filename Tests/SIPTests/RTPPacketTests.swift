import SIP
import Testing

@Suite("RTP and UDPTL packets")
struct RTPPacketTests {
    @Test("RTP round-trips; padding, CSRCs and extensions are read")
    func rtp() throws {
        let packet = RTPPacket(payloadType: 8, marker: true, sequenceNumber: 65_535, timestamp: 0xDEAD_BEEF, ssrc: 0x0102_0304, payload: [1, 2, 3])
        #expect(try RTPPacket(parsing: packet.bytes) == packet)
        // V=2, P=1, X=1, CC=1; one CSRC, a one-word extension, payload 0xAA 0xBB, 2 bytes of padding
        let raw: [UInt8] = [0xB1, 0x00, 0, 1, 0, 0, 0, 160, 0, 0, 0, 9, 0, 0, 0, 7, 0xBE, 0xDE, 0, 1, 1, 2, 3, 4, 0xAA, 0xBB, 0, 2]
        let parsed = try RTPPacket(parsing: raw)
        #expect(parsed.csrcs == [7] && parsed.payload == [0xAA, 0xBB] && parsed.ssrc == 9 && parsed.timestamp == 160)
    }

    @Test("Garbage is not RTP", arguments: [[UInt8](), [0x80], [0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0x8F, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                                           [0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9], [0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 99]])
    func rtpGarbage(bytes: [UInt8]) {
        #expect(throws: SIPParseError.self) { try RTPPacket(parsing: bytes) }
    }

    @Test("UDPTL with redundancy round-trips; the wire layout is aligned PER")
    func udptl() throws {
        let packet = UDPTLPacket(sequence: 258, primary: [0x06, 0x01], errorRecovery: .redundancy([[0x04], [0x02, 0x03]]))
        #expect(packet.bytes == [0x01, 0x02, 0x02, 0x06, 0x01, 0x00, 0x02, 0x01, 0x04, 0x02, 0x02, 0x03])
        #expect(try UDPTLPacket(parsing: packet.bytes) == packet)
        let large = UDPTLPacket(sequence: 1, primary: [UInt8](repeating: 9, count: 300))
        #expect(try UDPTLPacket(parsing: large.bytes) == large)
        let fec = UDPTLPacket(sequence: 3, primary: [1], errorRecovery: .fec(packets: 3, data: [[1, 2], [3]]))
        #expect(try UDPTLPacket(parsing: fec.bytes) == fec)
    }

    @Test("Truncated or inconsistent UDPTL fails", arguments: [
        [UInt8](), [0, 1], [0, 1, 0, 0, 0], [0, 1, 5, 1, 2], [0, 1, 1, 6, 0, 3, 1, 4], [0, 1, 1, 6, 0, 0, 99],
        [0, 1, 0xC1, 6, 0, 0], [0, 1, 1, 6, 0, 100] + [UInt8](repeating: 0, count: 100), [0, 1, 1, 6, 0x80, 5, 1, 1, 1, 1, 1, 0],
    ])
    func udptlGarbage(bytes: [UInt8]) {
        #expect(throws: SIPParseError.self) { try UDPTLPacket(parsing: bytes) }
    }

    @Test("Random bytes never crash the RTP and UDPTL parsers")
    func fuzz() {
        var generator = SplitMix(seed: 77)
        for _ in 0..<20_000 {
            let count = Int(generator.next() % 64)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = try? RTPPacket(parsing: bytes)
            _ = try? UDPTLPacket(parsing: bytes)
            _ = try? SDPSession(parsing: bytes)
        }
    }
}
