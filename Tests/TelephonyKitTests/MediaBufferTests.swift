import SIP
import Testing
@testable import TelephonyKit

@Suite("RTP jitter buffer and UDPTL receive window")
struct MediaBufferTests {
    static func rtp(_ sequence: UInt16, ssrc: UInt32 = 7) -> RTPPacket {
        RTPPacket(payloadType: 0, sequenceNumber: sequence, timestamp: UInt32(sequence) * 160, ssrc: ssrc, payload: [UInt8(truncatingIfNeeded: sequence)])
    }

    @Test("Jitter buffer: waits for its depth, reorders, fills gaps, drops duplicates and late packets, survives wrap-around")
    func jitter() {
        // setup
        var buffer = RTPJitterBuffer(depth: 2)
        // act + check
        buffer.insert(Self.rtp(65_534))
        #expect(buffer.pop() == .idle)
        buffer.insert(Self.rtp(0))           // arrives before 65535 (out of order, across the wrap)
        buffer.insert(Self.rtp(65_535))
        buffer.insert(Self.rtp(65_535))      // duplicate
        #expect(buffer.pop() == .packet([254]))
        #expect(buffer.pop() == .packet([255]))
        #expect(buffer.pop() == .packet([0]))
        buffer.insert(Self.rtp(2))           // 1 is lost
        #expect(buffer.pop() == .missing)
        #expect(buffer.pop() == .packet([2]))
        buffer.insert(Self.rtp(1))           // far too late now
        #expect(buffer.pop() == .missing)    // underrun: 3 has not arrived, and nothing after it
        buffer.insert(Self.rtp(3))
        #expect(buffer.pop() == .packet([3]), "a late packet still plays after an underrun")
        #expect(buffer.duplicates == 1 && buffer.late == 1 && buffer.lost == 1 && buffer.underruns == 1)
    }

    @Test("Jitter buffer restarts on a new SSRC")
    func newSource() {
        var buffer = RTPJitterBuffer(depth: 1)
        buffer.insert(Self.rtp(10))
        #expect(buffer.pop() == .packet([10]))
        buffer.insert(Self.rtp(500, ssrc: 8))
        #expect(buffer.pop() == .packet([UInt8(truncatingIfNeeded: 500)]))
    }

    @Test("UDPTL: lost packets come back from the redundancy of the next one, in order; duplicates are dropped")
    func udptlRecovery() {
        // setup
        var sender = UDPTLSendHistory(depth: 3, maxDatagram: 400)
        let sent = (0..<6).map { sender.packet(ifp: [UInt8($0 + 1)], sequence: UInt16(100 + $0)) }
        var window = UDPTLReceiveWindow()
        // act: 100, (101 and 102 lost), 103, 103 again, 105 before 104, then 104 late
        var delivered: [(ifp: [UInt8], sequence: UInt16)] = []
        for index in [0, 3, 3, 5, 4] { delivered += window.accept(sent[index]) }
        // check
        #expect(delivered.map(\.sequence) == [100, 101, 102, 103, 104, 105])
        #expect(delivered.map(\.ifp) == [[1], [2], [3], [4], [5], [6]])
        #expect(window.recovered == 3 && window.duplicates == 2 && window.unrecoverable == 0)
    }

    @Test("UDPTL: a gap deeper than the redundancy is skipped and counted; redundancy is trimmed to the far end's datagram size")
    func udptlLimits() throws {
        var sender = UDPTLSendHistory(depth: 2, maxDatagram: 400)
        let sent = (0..<6).map { sender.packet(ifp: [UInt8($0 + 1)], sequence: UInt16($0)) }
        var window = UDPTLReceiveWindow()
        _ = window.accept(sent[0])
        let delivered = window.accept(sent[5])
        #expect(delivered.map(\.sequence) == [3, 4, 5])
        #expect(window.unrecoverable == 2)
        var small = UDPTLSendHistory(depth: 3, maxDatagram: 120)
        _ = small.packet(ifp: [UInt8](repeating: 1, count: 100), sequence: 0)
        let trimmed = small.packet(ifp: [UInt8](repeating: 2, count: 100), sequence: 1)
        #expect(trimmed.bytes.count <= 120)
        #expect(trimmed.errorRecovery == .redundancy([]))
    }
}
