import Foundation

/// Starts worker processes with `posix_spawn`, handing on exactly two descriptors: the listening
/// socket as 3 and the write end of a readiness pipe as 4.
///
/// `Foundation.Process` closes every descriptor from 3 up in the child, so it cannot pass the
/// socket. The child's signal mask and dispositions are reset, since the master traps signals.
struct WorkerSpawner {
    /// Descriptor numbers a worker finds its inherited files at.
    static let listenDescriptor: Int32 = 3
    static let readyDescriptor: Int32 = 4

    let executable: String
    let arguments: [String]

    /// The running executable, so workers are the same build as their master.
    static var currentExecutable: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return n > 0 ? String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    }

    /// A started worker: its pid and the read end of its readiness pipe (one byte when serving).
    struct Started {
        let pid: pid_t
        let readyDescriptor: Int32
    }

    func spawn(listening: ListeningSocket) throws -> Started {
        let (readEnd, pipeWrite) = try ProcessShim.pipe(nonBlocking: false)
        let writeEnd: Int32
        do { writeEnd = try ListeningSocket.moveHigh(pipeWrite) } catch { close(readEnd); close(pipeWrite); throw error }
        defer { close(writeEnd) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, listening.descriptor, Self.listenDescriptor)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, Self.readyDescriptor)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard status == 0 else {
            close(readEnd)
            throw PreforkError.spawn(errno: status)
        }
        return Started(pid: pid, readyDescriptor: readEnd)
    }
}
