import Foundation
import Synchronization

/// What the processes a test started print, read on a thread per process (a full pipe would
/// stall the process) and kept in arrival order, each line tagged with the process it came from:
/// for waiting on a log line and for showing what happened when a check fails.
public final class ProcessLog: Sendable {
    private struct State {
        var lines: [(tag: String, text: String)] = []
        var ended: Set<String> = []
    }

    private let state = Mutex(State())
    /// The most lines kept; past it the oldest half goes.
    private let limit: Int

    /// An empty log that keeps at most `limit` lines.
    public init(limit: Int = 100_000) {
        self.limit = limit
    }

    /// Reads `process`'s output to its end on a thread of its own, keeping each line under `tag`.
    public func drain(_ process: TestProcess, tag: String) {
        Thread { [self] in
            while let line = try? process.readLine() {
                state.withLock {
                    $0.lines.append((tag, line))
                    if $0.lines.count > limit { $0.lines.removeFirst(limit / 2) }
                }
            }
            state.withLock { _ = $0.ended.insert(tag) }
        }.start()
    }

    /// The lines kept, of the process tagged `tag`, or of all as `TAG line` when `tag` is nil.
    public func lines(tag: String? = nil) -> [String] {
        state.withLock { state -> [String] in
            guard let tag else { return state.lines.map { $0.tag + " " + $0.text } }
            return state.lines.filter { $0.tag == tag }.map(\.text)
        }
    }

    /// The last `count` lines (of `tag`, or of all, tagged) without the configuration each
    /// process logs on start, one line a line, for a failure message.
    public func tail(_ count: Int, tag: String? = nil) -> String {
        lines(tag: tag).filter { !$0.contains(" config ") }.suffix(count).joined(separator: "\n")
    }

    /// The first line of the process tagged `tag` that contains `text`, waiting up to `seconds`
    /// for it; nil when it has not come by then or the process's output ended without it.
    public func firstLine(containing text: String, tag: String, seconds: Double = 60) async throws -> String? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while true {
            let (line, ended) = state.withLock { state in
                (state.lines.first { $0.tag == tag && $0.text.contains(text) }?.text, state.ended.contains(tag))
            }
            if let line { return line }
            if ended || ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
