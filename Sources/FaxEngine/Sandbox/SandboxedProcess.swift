import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs one untrusted-input tool (Ghostscript, ImageMagick, LibreOffice, tiff2pdf) in a child
/// process with its own empty working and temporary directory, resource limits and a
/// wall-clock deadline, so a hostile document can crash, hang or exhaust only that child.
///
/// The child gets a minimal environment (no inherited secrets), stdin from /dev/null, its
/// output captured to a file in its directory, and its own process group so the whole tree
/// (LibreOffice forks) is killed on timeout. Limits are applied by `prlimit(1)` before exec.
public struct SandboxedProcess: Sendable {
    /// Absolute path of the tool.
    public var executable: String
    /// Arguments (paths should be relative to `directory` or absolute inside it).
    public var arguments: [String]
    /// The child's working directory; also its HOME and TMPDIR.
    public var directory: URL
    /// Resource limits.
    public var limits: SandboxLimits
    /// Extra environment variables (e.g. ImageMagick resource limits).
    public var environment: [String: String]

    /// Describes a run.
    public init(executable: String, arguments: [String], directory: URL, limits: SandboxLimits, environment: [String: String] = [:]) {
        self.executable = executable
        self.arguments = arguments
        self.directory = directory
        self.limits = limits
        self.environment = environment
    }

    /// Runs the child to completion or to its deadline; blocks the calling thread meanwhile.
    public func run() throws(RenderError) -> SandboxResult {
        let tmp = directory.appendingPathComponent(".tmp")
        try? FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        let log = directory.appendingPathComponent(".output.log")
        // env -C sets the working directory (posix_spawn's chdir action is not visible to Swift).
        let argv = ["/usr/bin/env", "-C", directory.path, "/usr/bin/prlimit",
                    "--as=\(limits.memoryBytes)", "--cpu=\(limits.cpuSeconds)", "--fsize=\(limits.fileBytes)",
                    "--core=0", "--nofile=256", "--nproc=\(Self.processLimit)",
                    "--", executable] + arguments
        var env = ["PATH": "/usr/bin:/bin", "HOME": directory.path, "TMPDIR": tmp.path, "TMP": tmp.path,
                   "MAGICK_TEMPORARY_PATH": tmp.path, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"]
        env.merge(environment) { _, new in new }

        Self.closeOnExecInheritedDescriptors()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var pid: pid_t = 0
        let status = withCStrings(argv) { cArgv in
            withCStrings(env.map { "\($0.key)=\($0.value)" }) { cEnv in
                posix_spawn(&pid, argv[0], &actions, &attributes, cArgv, cEnv)
            }
        }
        guard status == 0 else { throw .toolMissing(executable) }

        let deadline = Date().addingTimeInterval(limits.wallSeconds)
        var waitStatus: Int32 = 0
        var pause: UInt32 = 1_000
        var termination: SandboxResult.Termination?
        while termination == nil {
            let done = waitpid(pid, &waitStatus, WNOHANG)
            if done == pid {
                let signal = waitStatus & 0x7f
                termination = signal == 0 ? .exited((waitStatus >> 8) & 0xff) : .signalled(signal)
            } else if done < 0 && errno != EINTR {
                termination = .signalled(0)
            } else if Date() > deadline {
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &waitStatus, 0)
                termination = .timedOut
            } else {
                usleep(pause)
                pause = min(pause * 2, 4_000)
            }
        }
        // Whatever the tool left running in its group goes too.
        kill(-pid, SIGKILL)
        return SandboxResult(termination: termination!, output: Self.tail(of: log))
    }

    /// Marks every open descriptor above stderr close-on-exec, so no socket or file of this
    /// process (database connections, other faxes) reaches a renderer. Descriptors are already
    /// close-on-exec almost everywhere; this catches the rest.
    private static func closeOnExecInheritedDescriptors() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for entry in entries {
            guard let fd = Int32(entry), fd > 2 else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0, flags & FD_CLOEXEC == 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// Enough processes for LibreOffice's helpers, few enough to stop a fork bomb.
    private static let processLimit = 4_096

    private static func tail(of url: URL) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 65_536 ? size - 65_536 : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
