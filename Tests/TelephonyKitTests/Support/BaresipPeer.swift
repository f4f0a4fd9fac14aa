import Foundation

/// A private baresip 1.0 instance (Debian `baresip-core`) as an independent SIP user agent:
/// G.711 only, a 440 Hz tone as its microphone (ausine needs 48 kHz stereo; baresip resamples), no T.38; auto-answer or ring-only.
final class BaresipPeer {
    let sipPort: Int
    let directory: URL
    let log: URL
    private var pid: pid_t = 0

    init(sipPort: Int, rtpPorts: ClosedRange<Int>, autoAnswer: Bool) throws {
        self.sipPort = sipPort
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pagewire-baresip-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        log = directory.appendingPathComponent("baresip.log")
        let config = """
            poll_method epoll
            sip_listen 127.0.0.1:\(sipPort)
            net_interface 127.0.0.1
            audio_player aubridge,nullplay
            audio_source ausine,440
            ausrc_srate 48000
            ausrc_channels 2
            audio_alert aubridge,nullplay
            rtp_ports \(rtpPorts.lowerBound)-\(rtpPorts.upperBound)
            module_path /usr/lib/baresip/modules
            module g711.so
            module aubridge.so
            module ausine.so
            module_app account.so
            module_app menu.so

            """
        try config.write(to: directory.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        try "<sip:fax@127.0.0.1:\(sipPort)>;answermode=\(autoAnswer ? "auto" : "manual");regint=0\n"
            .write(to: directory.appendingPathComponent("accounts"), atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: log.path, contents: nil)
        pid = try SpawnedProcess.spawn("/usr/bin/baresip", ["-4", "-f", directory.path], log: log.path)
    }

    /// Waits until baresip says it is ready.
    func waitUntilReady() async throws {
        for _ in 0..<100 {
            if let text = try? String(contentsOf: log, encoding: .utf8), text.contains("baresip is ready") { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    func stop() {
        SpawnedProcess.stop(pid)
        pid = 0
        try? FileManager.default.removeItem(at: directory)
    }
}
