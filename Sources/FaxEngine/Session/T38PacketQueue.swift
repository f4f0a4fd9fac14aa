/// Collects the IFP packets SpanDSP emits from inside its calls until the next tick hands them
/// out; numbers them with our own UDPTL sequence counter.
final class T38PacketQueue {
    private(set) var packets: [T38Packet] = []
    private var nextSequence: UInt16 = 0

    func append(_ ifp: [UInt8], copies: Int) {
        packets.append(T38Packet(ifp: ifp, sequence: nextSequence, copies: max(1, copies)))
        nextSequence &+= 1
    }

    func drain() -> [T38Packet] {
        defer { packets.removeAll(keepingCapacity: true) }
        return packets
    }
}
