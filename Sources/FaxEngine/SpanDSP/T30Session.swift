private import CSpanDSP
import Foundation

/// The T.30 half of a fax session: configures SpanDSP's `t30_state_t` and turns its phase
/// callbacks into `FaxEvent`s. The state itself belongs to the audio or T.38 terminal that
/// created it; this object only borrows it and must outlive it.
final class T30Session {
    /// SpanDSP's `t30_state_t *`, owned by the enclosing terminal.
    let state: OpaquePointer
    let configuration: FaxSessionConfiguration
    /// Called synchronously from inside SpanDSP for each phase.
    var report: (FaxEvent) -> Void = { _ in }
    /// True once phase B accepted the far end (its DIS or DCS arrived).
    var negotiated = false
    /// True when `acceptRemote` refused the far end in phase B.
    var refusedRemote = false
    /// True once any T.30 frame arrived from the far end (a fax machine is there).
    var heardFarEnd = false
    /// Set once phase E fired.
    var outcome: FaxOutcome?

    init(state: OpaquePointer, configuration: FaxSessionConfiguration) {
        self.state = state
        self.configuration = configuration
    }

    /// Applies the configuration and installs the phase handlers. Call once, before any audio or packet.
    func start() {
        t30_set_tx_ident(state, String(configuration.localIdentifier.prefix(20)))
        if let header = configuration.pageHeader {
            t30_set_tx_page_header_info(state, String(header.prefix(50)))
        }
        t30_set_supported_modems(state, Int32(configuration.effectiveModems.spanDSPBits))
        t30_set_ecm_capability(state, configuration.ecm ? 1 : 0)
        var compressions = T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T4_2D_COMPRESSION
        if configuration.ecm { compressions |= T30_SUPPORT_T6_COMPRESSION }
        t30_set_supported_compressions(state, Int32(compressions))
        t30_set_supported_resolutions(state, Int32(configuration.resolutions.spanDSPBits))
        switch configuration.role {
        case .send(let document):
            t30_set_tx_file(state, document.path, -1, -1)
        case .receive(let destination):
            t30_set_rx_file(state, destination.path, -1)
            t30_set_rx_encoding(state, Int32(T4_COMPRESSION_ITU_T6.rawValue))
        }
        let context = Unmanaged.passUnretained(self).toOpaque()
        t30_set_phase_b_handler(state, { _, context, _ in
            guard let context else { return Int32(T30_ERR_OK) }
            return Int32(Unmanaged<T30Session>.fromOpaque(context).takeUnretainedValue().phaseB())
        }, context)
        t30_set_phase_d_handler(state, { _, context, _ in
            guard let context else { return Int32(T30_ERR_OK) }
            Unmanaged<T30Session>.fromOpaque(context).takeUnretainedValue().phaseD()
            return Int32(T30_ERR_OK)
        }, context)
        t30_set_real_time_frame_handler(state, { _, context, incoming, _, _ in
            guard let context, incoming != 0 else { return }
            Unmanaged<T30Session>.fromOpaque(context).takeUnretainedValue().heardFarEnd = true
        }, context)
        t30_set_phase_e_handler(state, { _, context, completion in
            guard let context else { return }
            Unmanaged<T30Session>.fromOpaque(context).takeUnretainedValue().phaseE(completion: Int(completion))
        }, context)
    }

    /// Ends the call as a hang-up would; phase E follows with "call dropped".
    func terminate() {
        guard outcome == nil else { return }
        t30_terminate(state)
        if outcome == nil { phaseE(completion: T30CompletionCode.callDropped.rawValue) }
    }

    /// The current transfer statistics.
    func statistics() -> FaxTransferStatistics {
        var stats = t30_stats_t()
        t30_get_transfer_statistics(state, &stats)
        let remote = t30_get_rx_ident(state).map { String(cString: $0) } ?? ""
        let sending = configuration.isSender
        return FaxTransferStatistics(
            pages: Int(sending ? stats.pages_tx : stats.pages_rx),
            pagesInDocument: sending && stats.pages_in_file >= 0 ? Int(stats.pages_in_file) : nil,
            bitRate: Int(stats.bit_rate),
            ecm: stats.error_correcting_mode != 0,
            remoteIdentifier: remote.trimmingCharacters(in: .whitespaces),
            badRows: Int(stats.bad_rows),
            longestBadRowRun: Int(stats.longest_bad_row_run),
            width: Int(stats.width),
            length: Int(stats.length),
            xResolution: Int(stats.x_resolution),
            yResolution: Int(stats.y_resolution),
            ecmRetries: Int(stats.error_correcting_mode_retries)
        )
    }
}
