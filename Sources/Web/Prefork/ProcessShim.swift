private import CProcessShim
import Foundation

/// The few Linux calls the prefork code needs that Swift cannot reach directly
/// (variadic `prctl`, GNU `pipe2` and `accept4`); the only file that imports `CProcessShim`.
enum ProcessShim {
    /// Makes this process receive `signal` when its parent (the master) dies.
    @discardableResult
    static func armParentDeathSignal(_ signal: Int32) -> Bool {
        pw_set_parent_death_signal(signal) == 0
    }

    /// A close-on-exec pipe: (read end, write end).
    static func pipe(nonBlocking: Bool) throws -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        guard pw_pipe_cloexec(&fds, nonBlocking ? 1 : 0) == 0 else { throw PreforkError.socket(call: "pipe2", errno: errno) }
        return (fds[0], fds[1])
    }

    /// Accepts one pending connection as a non-blocking, close-on-exec socket; nil when none was waiting.
    static func accept(_ listenDescriptor: Int32) -> Int32? {
        let fd = pw_accept_nonblocking(listenDescriptor)
        return fd >= 0 ? fd : nil
    }
}
