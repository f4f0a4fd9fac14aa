/// A UDPTL packet carrying T.38 IFP packets (ITU-T T.38 Annex; ASN.1 aligned PER as used on the wire):
/// a sequence number, the primary IFP, and either redundant copies of earlier IFPs or FEC data.
public struct UDPTLPacket: Sendable, Equatable {
    /// How the packet protects against loss.
    public enum ErrorRecovery: Sendable, Equatable {
        /// The previous IFPs, most recent first (`sequence - 1`, `sequence - 2`, …).
        case redundancy([[UInt8]])
        /// Parity FEC: how many packets each FEC entry covers, and the entries (read, not used for recovery).
        case fec(packets: Int, data: [[UInt8]])
    }

    /// The UDPTL sequence number of the primary IFP.
    public var sequence: UInt16
    /// The primary IFP packet.
    public var primary: [UInt8]
    /// Redundancy or FEC.
    public var errorRecovery: ErrorRecovery

    /// At most this many secondary IFPs are read from one packet.
    public static let maximumEntries = 32

    /// Creates a packet.
    public init(sequence: UInt16, primary: [UInt8], errorRecovery: ErrorRecovery = .redundancy([])) {
        self.sequence = sequence
        self.primary = primary
        self.errorRecovery = errorRecovery
    }

    /// Parses a datagram; truncated lengths, fragmented lengths and trailing garbage fail.
    public init(parsing bytes: some Collection<UInt8>) throws(SIPParseError) {
        var reader = PERReader(bytes: Array(bytes))
        guard reader.remaining >= 3 else { throw .badPacket("UDPTL shorter than a header") }
        let sequence = try reader.uint16()
        let primary = try reader.openType()
        guard !primary.isEmpty else { throw .badPacket("UDPTL empty primary IFP") }
        let choice = try reader.byte()
        if choice & 0x80 == 0 {
            let count = try reader.length()
            guard count <= UDPTLPacket.maximumEntries else { throw .badPacket("UDPTL too many secondary IFPs") }
            var secondary: [[UInt8]] = []
            for _ in 0..<count { secondary.append(try reader.openType()) }
            self.init(sequence: sequence, primary: primary, errorRecovery: .redundancy(secondary))
        } else {
            let integerLength = try reader.length()
            guard (1...2).contains(integerLength) else { throw .badPacket("UDPTL FEC packet count") }
            var packets = 0
            for _ in 0..<integerLength { packets = packets << 8 | Int(try reader.byte()) }
            let count = try reader.length()
            guard count <= UDPTLPacket.maximumEntries else { throw .badPacket("UDPTL too many FEC entries") }
            var entries: [[UInt8]] = []
            for _ in 0..<count { entries.append(try reader.openType()) }
            self.init(sequence: sequence, primary: primary, errorRecovery: .fec(packets: packets, data: entries))
        }
        guard reader.remaining == 0 else { throw .badPacket("UDPTL trailing bytes") }
    }

    /// The datagram bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = [UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
        UDPTLPacket.appendOpenType(primary, to: &out)
        switch errorRecovery {
        case .redundancy(let secondary):
            out.append(0x00)
            UDPTLPacket.appendLength(secondary.count, to: &out)
            for ifp in secondary { UDPTLPacket.appendOpenType(ifp, to: &out) }
        case .fec(let packets, let data):
            out.append(0x80)
            if packets > 255 {
                out += [2, UInt8((packets >> 8) & 0xFF), UInt8(packets & 0xFF)]
            } else {
                out += [1, UInt8(packets)]
            }
            UDPTLPacket.appendLength(data.count, to: &out)
            for entry in data { UDPTLPacket.appendOpenType(entry, to: &out) }
        }
        return out
    }

    static func appendLength(_ length: Int, to out: inout [UInt8]) {
        if length < 128 {
            out.append(UInt8(length))
        } else {
            precondition(length < 16_384, "UDPTL fields are far below 16 KiB")
            out.append(0x80 | UInt8(length >> 8)); out.append(UInt8(length & 0xFF))
        }
    }

    static func appendOpenType(_ field: [UInt8], to out: inout [UInt8]) {
        appendLength(field.count, to: &out)
        out.append(contentsOf: field)
    }
}

/// Reads aligned-PER fields with bounds checks.
struct PERReader {
    let bytes: [UInt8]
    var offset = 0

    var remaining: Int { bytes.count - offset }

    mutating func byte() throws(SIPParseError) -> UInt8 {
        guard offset < bytes.count else { throw .badPacket("UDPTL truncated") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint16() throws(SIPParseError) -> UInt16 {
        UInt16(try byte()) << 8 | UInt16(try byte())
    }

    /// A length determinant below 16 K (fragmented lengths are refused: no IFP is that large).
    mutating func length() throws(SIPParseError) -> Int {
        let first = try byte()
        if first & 0x80 == 0 { return Int(first) }
        guard first & 0x40 == 0 else { throw .badPacket("UDPTL fragmented length") }
        return Int(first & 0x3F) << 8 | Int(try byte())
    }

    mutating func openType() throws(SIPParseError) -> [UInt8] {
        let count = try length()
        guard count <= remaining else { throw .badPacket("UDPTL field longer than the packet") }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }
}
