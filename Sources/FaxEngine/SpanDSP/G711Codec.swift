private import CSpanDSP

/// G.711 companding for RTP payloads: PCMU (µ-law, payload type 0) and PCMA (A-law, payload type 8).
public enum G711Codec: Sendable, CaseIterable {
    /// µ-law.
    case pcmu
    /// A-law.
    case pcma

    private static let ulawDecode: [Int16] = (0...255).map { ulaw_to_linear(UInt8($0)) }
    private static let alawDecode: [Int16] = (0...255).map { alaw_to_linear(UInt8($0)) }
    // 14 significant bits are enough for both laws; the table is indexed by sample >> 2.
    private static let ulawEncode: [UInt8] = (0..<16_384).map { linear_to_ulaw(Int32(Int16(truncatingIfNeeded: $0 << 2))) }
    private static let alawEncode: [UInt8] = (0..<16_384).map { linear_to_alaw(Int32(Int16(truncatingIfNeeded: $0 << 2))) }

    /// The RTP static payload type.
    public var payloadType: UInt8 { self == .pcmu ? 0 : 8 }

    /// Compresses linear samples to one byte each.
    public func encode(_ samples: [Int16]) -> [UInt8] {
        let table = self == .pcmu ? Self.ulawEncode : Self.alawEncode
        return samples.map { table[Int(UInt16(bitPattern: $0) >> 2)] }
    }

    /// Expands bytes to linear samples.
    public func decode(_ bytes: [UInt8]) -> [Int16] {
        let table = self == .pcmu ? Self.ulawDecode : Self.alawDecode
        return bytes.map { table[Int($0)] }
    }
}
