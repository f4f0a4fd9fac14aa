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
        pid = try SpawnedProcess.spawn("/usr/sbin/kamailio", ["-DD", "-E", "-f", configFile.path, "-P", directory.appendingPathComponent("kamailio.pid").path,
                                                    "-Y", directory.path, "-m", "32", "-M", "4"], log: log.path)
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
        SpawnedProcess.stop(pid)
        pid = 0
        try? FileManager.default.removeItem(at: directory)
    }
}
