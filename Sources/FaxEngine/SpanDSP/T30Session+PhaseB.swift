extension T30Session {
    /// Phase B is over: DIS/DCS exchanged and training passed.
    func phaseB() {
        negotiated = true
        report(.negotiated(statistics()))
    }
}
