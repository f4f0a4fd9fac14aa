/// How a sandboxed child process ended.
public struct SandboxResult: Sendable {
    /// How it ended.
    public enum Termination: Sendable, Equatable {
        /// Exited with this status.
        case exited(Int32)
        /// Killed by this signal (CPU or memory limit, or a crash).
        case signalled(Int32)
        /// Exceeded the wall-clock limit and was killed.
        case timedOut
    }

    /// How it ended.
    public var termination: Termination
    /// The end of what it wrote to stdout and stderr (at most 64 KiB).
    public var output: String

    /// True for exit status 0.
    public var succeeded: Bool { termination == .exited(0) }
}
