extension T30Session {
    /// Phase D: the post-page exchange for one page finished.
    func phaseD() {
        report(.pageDone(statistics()))
    }
}
