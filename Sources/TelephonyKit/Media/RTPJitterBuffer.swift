import SIP

/// A small RTP jitter buffer for one stream: reorders by sequence number, drops duplicates and
/// late packets, and plays out one packet per 20 ms once `depth` packets are queued (60 ms by
/// default: fax has no use for low latency, and it rides out a scheduler that runs late).
struct RTPJitterBuffer {
    /// What a tick gets.
    enum Playout: Equatable {
        /// Nothing started yet (play silence).
        case idle
        /// This packet's payload.
        case packet([UInt8])
        /// A packet is missing (fill in).
        case missing
    }

    let depth: Int
    let capacity: Int
    private var packets: [UInt16: [UInt8]] = [:]
    private var next: UInt16?
    private var ssrc: UInt32?
    private(set) var duplicates = 0
    private(set) var late = 0
    private(set) var lost = 0
    private(set) var underruns = 0

    init(depth: Int = 3, capacity: Int = 16) {
        self.depth = depth
        self.capacity = capacity
    }

    mutating func insert(_ packet: RTPPacket) {
        if ssrc != packet.ssrc {
            // A new source (re-INVITE, far-end restart): start again.
            ssrc = packet.ssrc
            packets.removeAll()
            next = nil
        }
        if let next, Int16(bitPattern: packet.sequenceNumber &- next) < 0 {
            late += 1
            return
        }
        if packets[packet.sequenceNumber] != nil {
            duplicates += 1
            return
        }
        packets[packet.sequenceNumber] = packet.payload
        if packets.count > capacity, let oldest = packets.keys.min(by: { Int16(bitPattern: $0 &- $1) < 0 }) {
            packets[oldest] = nil
            if let next, oldest == next { self.next = next &+ 1 }
        }
    }

    mutating func pop() -> Playout {
        if next == nil {
            guard packets.count >= depth, let first = packets.keys.min(by: { Int16(bitPattern: $0 &- $1) < 0 }) else { return .idle }
            next = first
        }
        let sequence = next!
        if let payload = packets.removeValue(forKey: sequence) {
            next = sequence &+ 1
            return .packet(payload)
        }
        if packets.isEmpty {
            // Underrun: the packet is late, not lost (nothing newer arrived). Fill in without
            // consuming its slot, so the buffer grows by one packet time and the data still plays.
            underruns += 1
            return .missing
        }
        next = sequence &+ 1
        lost += 1
        return .missing
    }
}
