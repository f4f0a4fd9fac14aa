extension T30Session {
    /// Phase E: the call is released; records the outcome once.
    func phaseE(completion: Int) {
        guard outcome == nil else { return }
        let statistics = statistics()
        let code = T30CompletionCode(rawValue: completion)
        var result = code.resultCode(negotiated: negotiated, ecm: statistics.ecm, sending: configuration.isSender)
        // No T.30 frame ever came back: a voice, a modem or silence answered, not a fax machine.
        if !heardFarEnd, [.negotiationFailed, .transmissionFailed, .exceededECMRetransmit, .generalError].contains(result) {
            result = .notAFaxMachine
        }
        // We refused the far end on purpose (blocklist), not a failure of the line.
        if refusedRemote { result = .blockedNumber }
        // "Completed" only when every page of the document went (gofaxip #34).
        if result == .ok, let expected = statistics.pagesInDocument, statistics.pages < expected {
            result = .transmissionFailed
        }
        let outcome = FaxOutcome(resultCode: result, completionCode: code, statistics: statistics)
        self.outcome = outcome
        report(.callDone(outcome))
    }
}
