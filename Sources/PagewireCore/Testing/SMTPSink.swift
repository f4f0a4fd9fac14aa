import Foundation

/// scripts/lib/smtp_sink.py (aiosmtpd) as a child process: a real SMTP server on loopback.
public final class SMTPSink: @unchecked Sendable {
    /// Where the sink stores each message as `<n>.json`.
    public let directory: String
    let process: Process
    /// The port it listens on (chosen by the kernel).
    public let port: Int

    /// Starts a sink that answers 451 to the first `failFirst` messages (an outage), then stores them.
    public init(failFirst: Int = 0) throws {
        directory = NSTemporaryDirectory() + "pw-smtp-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let python = ProcessInfo.processInfo.environment["PAGEWIRE_TEST_PYTHON"] ?? TestDatabase.repositoryRoot + "/var/venv-test/bin/python"
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [TestDatabase.repositoryRoot + "/scripts/lib/smtp_sink.py", directory, "--fail-first", String(failFirst)]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The sink writes its port to a file once it listens.
        var found: Int?
        for _ in 0..<200 {
            if let text = try? String(contentsOfFile: directory + "/port", encoding: .utf8), let n = Int(text) { found = n; break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let port = found else { process.terminate(); throw CocoaError(.fileReadCorruptFile) }
        self.port = port
    }

    /// The stored messages, in arrival order.
    public var messages: [[String: Any]] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }
            .sorted { Int($0.dropLast(5)) ?? 0 < Int($1.dropLast(5)) ?? 0 }
        return names.compactMap { name in
            (try? Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        }
    }

    /// Stops the sink and removes what it stored.
    public func stop() {
        kill(process.processIdentifier, SIGKILL)  // it keeps nothing to flush
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
