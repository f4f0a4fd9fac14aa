import SIP

/// Puts received UDPTL packets back in order for the T.38 terminal: recovers lost IFPs from the
/// redundancy of later packets, drops duplicates and packets that arrive after their place passed.
struct UDPTLReceiveWindow {
    private var expected: UInt16?
    private(set) var duplicates = 0
    private(set) var recovered = 0
    private(set) var unrecoverable = 0

    /// The IFPs to deliver, in sequence order, for one received packet.
    mutating func accept(_ packet: UDPTLPacket) -> [(ifp: [UInt8], sequence: UInt16)] {
        guard let expected else {
            self.expected = packet.sequence &+ 1
            return [(packet.primary, packet.sequence)]
        }
        let distance = Int(Int16(bitPattern: packet.sequence &- expected))
        if distance < 0 {
            duplicates += 1
            return []
        }
        var result: [(ifp: [UInt8], sequence: UInt16)] = []
        if distance > 0 {
            let secondary: [[UInt8]]
            if case .redundancy(let entries) = packet.errorRecovery { secondary = entries } else { secondary = [] }
            // secondary[k - 1] carries sequence - k.
            for k in stride(from: distance, through: 1, by: -1) {
                let sequence = packet.sequence &- UInt16(k)
                if k - 1 < secondary.count, !secondary[k - 1].isEmpty {
                    result.append((secondary[k - 1], sequence))
                    recovered += 1
                } else {
                    unrecoverable += 1
                }
            }
        }
        result.append((packet.primary, packet.sequence))
        self.expected = packet.sequence &+ 1
        return result
    }
}

/// Builds outgoing UDPTL packets with the last `depth` IFPs as redundancy.
struct UDPTLSendHistory {
    let depth: Int
    let maxDatagram: Int
    private var history: [[UInt8]] = []

    init(depth: Int, maxDatagram: Int) {
        self.depth = depth
        self.maxDatagram = maxDatagram
    }

    mutating func packet(ifp: [UInt8], sequence: UInt16) -> UDPTLPacket {
        var secondary = Array(history.prefix(depth))
        var packet = UDPTLPacket(sequence: sequence, primary: ifp, errorRecovery: .redundancy(secondary))
        while packet.bytes.count > maxDatagram, !secondary.isEmpty {
            secondary.removeLast()
            packet.errorRecovery = .redundancy(secondary)
        }
        history.insert(ifp, at: 0)
        if history.count > max(depth, 1) { history.removeLast() }
        return packet
    }
}
