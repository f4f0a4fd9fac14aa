/// Counts datagrams per source address in one-second windows and refuses those over the limit,
/// so one flooding address cannot starve the other calls.
struct SIPFloodGuard {
    let limitPerSecond: Int
    private var window: Int64 = 0
    private var counts: [String: Int] = [:]
    private(set) var dropped = 0

    init(limitPerSecond: Int) { self.limitPerSecond = limitPerSecond }

    /// True when a datagram from `source` may be processed at `nowNanoseconds`.
    mutating func admit(source: String, nowNanoseconds: Int64) -> Bool {
        let second = nowNanoseconds / 1_000_000_000
        if second != window || counts.count > 50_000 {
            window = second
            counts.removeAll(keepingCapacity: true)
        }
        let count = counts[source, default: 0] + 1
        counts[source] = count
        if count > limitPerSecond { dropped += 1; return false }
        return true
    }
}
