private import CSpanDSP

extension T30Session {
    /// Phase B: the far end's capabilities (DIS) or choice (DCS) arrived. Returns the T.30
    /// status to continue with: OK, or "ident not acceptable" when `acceptRemote` refuses it.
    func phaseB() -> Int {
        let statistics = statistics()
        if let accept = configuration.acceptRemote, !accept(statistics.remoteIdentifier) {
            refusedRemote = true
            return T30_ERR_IDENT_UNACCEPTABLE
        }
        negotiated = true
        report(.negotiated(statistics))
        return T30_ERR_OK
    }
}
