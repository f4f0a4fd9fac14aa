/// An RTP packet (RFC 3550 §5.1).
public struct RTPPacket: Sendable, Equatable {
    /// Payload type (0 PCMU, 8 PCMA, dynamic for telephone-event).
    public var payloadType: UInt8
    /// The marker bit (set on the first packet of a talk spurt).
    public var marker: Bool
    /// Sequence number, +1 per packet.
    public var sequenceNumber: UInt16
    /// Sampling instant (8 kHz clock for G.711: +160 per 20 ms).
    public var timestamp: UInt32
    /// Synchronisation source.
    public var ssrc: UInt32
    /// Contributing sources.
    public var csrcs: [UInt32]
    /// The payload without padding or header extension.
    public var payload: [UInt8]

    /// The fixed header size.
    public static let headerSize = 12

    /// Creates a packet.
    public init(payloadType: UInt8, marker: Bool = false, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32,
                csrcs: [UInt32] = [], payload: [UInt8]) {
        self.payloadType = payloadType
        self.marker = marker
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = csrcs
        self.payload = payload
    }

    /// Parses a datagram; anything that is not RTP version 2 with consistent lengths fails.
    public init(parsing bytes: some Collection<UInt8>) throws(SIPParseError) {
        let data = Array(bytes)
        guard data.count >= RTPPacket.headerSize else { throw .badPacket("RTP shorter than its header") }
        guard data[0] >> 6 == 2 else { throw .badPacket("RTP version \(data[0] >> 6)") }
        let padding = data[0] & 0x20 != 0
        let hasExtension = data[0] & 0x10 != 0
        let csrcCount = Int(data[0] & 0x0F)
        func word(_ at: Int) -> UInt32 { UInt32(data[at]) << 24 | UInt32(data[at + 1]) << 16 | UInt32(data[at + 2]) << 8 | UInt32(data[at + 3]) }
        var offset = RTPPacket.headerSize + 4 * csrcCount
        guard data.count >= offset else { throw .badPacket("RTP CSRC list truncated") }
        let csrcs = (0..<csrcCount).map { word(RTPPacket.headerSize + 4 * $0) }
        if hasExtension {
            guard data.count >= offset + 4 else { throw .badPacket("RTP extension truncated") }
            let words = Int(data[offset + 2]) << 8 | Int(data[offset + 3])
            offset += 4 + 4 * words
            guard data.count >= offset else { throw .badPacket("RTP extension truncated") }
        }
        var end = data.count
        if padding {
            let count = Int(data[data.count - 1])
            guard count >= 1, end - count >= offset else { throw .badPacket("RTP padding larger than the payload") }
            end -= count
        }
        self.init(payloadType: data[1] & 0x7F, marker: data[1] & 0x80 != 0,
                  sequenceNumber: UInt16(data[2]) << 8 | UInt16(data[3]), timestamp: word(4), ssrc: word(8),
                  csrcs: csrcs, payload: Array(data[offset..<end]))
    }

    /// The datagram bytes (no padding, no extension).
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(RTPPacket.headerSize + 4 * csrcs.count + payload.count)
        out.append(0x80 | UInt8(min(csrcs.count, 15)))
        out.append((marker ? 0x80 : 0) | (payloadType & 0x7F))
        out.append(UInt8(sequenceNumber >> 8)); out.append(UInt8(sequenceNumber & 0xFF))
        for value in [timestamp, ssrc] + csrcs.prefix(15) {
            out.append(UInt8(value >> 24)); out.append(UInt8((value >> 16) & 0xFF)); out.append(UInt8((value >> 8) & 0xFF)); out.append(UInt8(value & 0xFF))
        }
        out.append(contentsOf: payload)
        return out
    }
}
