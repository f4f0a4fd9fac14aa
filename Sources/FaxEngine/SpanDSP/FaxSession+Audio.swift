private import CSpanDSP

extension FaxSession {
    /// Feeds received audio: 8 kHz signed 16-bit linear samples (usually 160 = 20 ms).
    /// Also advances the T.30 timers by the same time.
    public func audioIn(_ samples: [Int16]) {
        guard case .audio(let fax) = terminal, !samples.isEmpty else { return }
        var samples = samples
        samples.withUnsafeMutableBufferPointer { buffer in
            _ = fax_rx(fax, buffer.baseAddress, Int32(buffer.count))
        }
    }

    /// Fills in for lost packets: tells the modems `count` samples went missing.
    public func audioMissing(count: Int) {
        guard case .audio(let fax) = terminal, count > 0 else { return }
        _ = fax_rx_fillin(fax, Int32(count))
    }

    /// The next `count` samples to send (silence-padded when SpanDSP has less).
    public func audioOut(count: Int = 160) -> [Int16] {
        guard case .audio(let fax) = terminal, count > 0 else { return [Int16](repeating: 0, count: max(0, count)) }
        return [Int16](unsafeUninitializedCapacity: count) { buffer, initialized in
            let produced = Int(fax_tx(fax, buffer.baseAddress, Int32(count)))
            for index in max(0, produced)..<count { buffer[index] = 0 }
            initialized = count
        }
    }
}

extension FaxSession {
    /// Feeds one received RTP payload of PCMU or PCMA bytes (one sample per byte).
    public func audioIn(payload: [UInt8], codec: G711Codec) {
        audioIn(codec.decode(payload))
    }

    /// The next RTP payload to send: `count` samples (160 = 20 ms) encoded with `codec`.
    public func audioOutPayload(count: Int = 160, codec: G711Codec) -> [UInt8] {
        codec.encode(audioOut(count: count))
    }
}
