/// One IFP packet for the UDPTL layer to send.
public struct T38Packet: Sendable, Equatable {
    /// The IFP packet (the UDPTL primary field).
    public var ifp: [UInt8]
    /// The UDPTL sequence number to send it with.
    public var sequence: UInt16
    /// How many times a UDPTL sender without redundancy should send it (indicators and the
    /// ends of data go more than once, as SpanDSP asks).
    public var copies: Int

    /// Creates a packet.
    public init(ifp: [UInt8], sequence: UInt16, copies: Int) {
        self.ifp = ifp
        self.sequence = sequence
        self.copies = copies
    }
}
