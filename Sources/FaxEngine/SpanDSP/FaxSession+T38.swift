private import CSpanDSP

extension FaxSession {
    /// Feeds one received IFP packet with its UDPTL sequence number (SpanDSP detects gaps and repeats).
    public func ifpIn(_ packet: [UInt8], sequence: UInt16) {
        guard case .t38(let t38) = terminal, !packet.isEmpty else { return }
        let core = t38_terminal_get_t38_core_state(t38)
        samplesSinceLastPacket = 0
        packet.withUnsafeBufferPointer { buffer in
            _ = t38_core_rx_ifp_packet(core, buffer.baseAddress, Int32(buffer.count), sequence)
        }
    }

    /// Advances the session by `samples` (8 kHz; 160 = 20 ms) and returns the IFP packets to send now.
    public func tick(samples: Int = 160) -> [T38Packet] {
        guard case .t38(let t38) = terminal else { return [] }
        _ = t38_terminal_send_timeout(t38, Int32(samples))
        samplesSinceLastPacket += samples
        // Only a receiver needs it: a sender's T.30 timers run out on their own, while a
        // sender legitimately hears nothing for a whole page.
        if !isFinished, !configuration.isSender, Double(samplesSinceLastPacket) > configuration.t38SilenceTimeout * 8_000 {
            t30.terminate()
        }
        return outgoing.drain()
    }
}
