import Foundation

/// A private Kamailio instance as a stateful, record-routing proxy in front of a SIP peer
/// (started and stopped by PID; needs the Debian package `kamailio`).
final class KamailioProxy {
    let port: Int
    private(set) var pid: pid_t = 0
    let directory: URL
    let log: URL

    init(port: Int, forwardTo targetPort: Int) throws {
        self.port = port
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pagewire-kamailio-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        log = directory.appendingPathComponent("kamailio.log")
        let config = """
            #!KAMAILIO
            debug=2
            log_stderror=yes
            listen=udp:127.0.0.1:\(port)
            dns=no
            rev_dns=no
            children=2
            mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
            loadmodule "kex.so"
            loadmodule "tm.so"
            loadmodule "sl.so"
            loadmodule "rr.so"
            loadmodule "pv.so"
            loadmodule "maxfwd.so"
            loadmodule "siputils.so"
            loadmodule "xlog.so"
            loadmodule "textops.so"
            request_route {
                xlog("L_NOTICE", "PROXY $rm $ru\\n");
                if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
                if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
                if (has_totag()) {
                    if (loose_route()) { t_relay(); exit; }
                    if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
                    sl_send_reply("404", "Not here");
                    exit;
                }
                if (is_method("INVITE")) { record_route(); }
                $du = "sip:127.0.0.1:\(targetPort)";
                t_relay();
            }
            """
        let configFile = directory.appendingPathComponent("kamailio.cfg")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: log.path, contents: nil)
        pid = try Self.spawn("/usr/sbin/kamailio", ["-DD", "-E", "-f", configFile.path, "-P", directory.appendingPathComponent("kamailio.pid").path,
                                                    "-Y", directory.path, "-m", "32", "-M", "4"], log: log.path)
    }

    /// posix_spawn with an empty signal mask: Foundation's Process passes on the blocked signals
    /// of the calling thread, and Kamailio would then ignore SIGTERM.
    private static func spawn(_ path: String, _ arguments: [String], log: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_APPEND, 0)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO) }
        return pid
    }

    /// Waits until the log says it listens (or a few seconds pass).
    func waitUntilListening() async throws {
        for _ in 0..<100 {
            if let text = try? String(contentsOf: log, encoding: .utf8), text.contains("PROXY") || text.contains("INFO: <core>") { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(300))
    }

    /// The requests it proxied, as "METHOD uri" lines.
    var proxiedRequests: [String] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line in
            line.range(of: "PROXY ").map { String(line[$0.upperBound...]) }
        }
    }

    func stop() {
        if pid > 0 {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            var exited = false
            for _ in 0..<100 where !exited {
                exited = waitpid(pid, &status, WNOHANG) == pid
                if !exited { usleep(50_000) }
            }
            if !exited {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
            }
            pid = 0
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
