import Foundation
import Synchronization

/// Pagewire's own processes for an end-to-end test, on one test database: the carrier
/// simulator, `pagewire-telephony serve`, `pagewire-jobs serve` and `pagewire-web serve`,
/// each started on request with the environment they share plus the test's own.
///
/// The shared environment names the database, one transit key file (made here, before any
/// process starts, so all of them and the test use the same key), the resources and a
/// temporary var directory. Each process takes a free port from the kernel and logs it; its
/// start returns once that line is read, and its output keeps being drained into `log`.
/// `stop()` ends them all (newest first) and removes the directory:
///
/// ```swift
/// let processes = try PagewireProcesses(test)
/// defer { processes.stop() }
/// let web = try await processes.startWeb()
/// ```
public final class PagewireProcesses: Sendable {
    /// The var directory of every process (`PAGEWIRE_PATHS_VAR`), removed by `stop()`.
    public let directory: String
    /// The transit key file every process is given.
    public let transitKeyFile: String
    /// The transit key of that file, for the test's own `Vault`.
    public let transit: TransitKeyring
    /// The environment every process gets (before each start's own additions).
    public let environment: [String: String]
    /// What every started process prints, tagged `SIM`, `TEL`, `JOBS`, `WEB` (`TEL2`… for a second one).
    public let log = ProcessLog()
    private let started = Mutex<[(base: String, process: TestProcess)]>([])

    /// A process started by `PagewireProcesses`.
    public struct Started: Sendable {
        /// The process itself; its output is read into `log` already (read lines there, not here).
        public let process: TestProcess
        /// Its lines' tag in `log`.
        public let tag: String
        /// The port it logged: SIP for the simulator and telephony, SMTP for jobs (0 with
        /// `PAGEWIRE_SMTP_ENABLED=false`), HTTP for web.
        public let port: Int
        let log: ProcessLog

        /// Its lines so far.
        public var lines: [String] { log.lines(tag: tag) }

        /// Its last `count` lines without its configuration, for a failure message.
        public func tail(_ count: Int) -> String { log.tail(count, tag: tag) }

        /// Waits up to `seconds` for a line containing `text`; returns it, or nil.
        public func waitFor(_ text: String, seconds: Double = 60) async throws -> String? {
            try await log.firstLine(containing: text, tag: tag, seconds: seconds)
        }

        /// Its process id.
        public var processIdentifier: Int32 { process.processIdentifier }

        /// Sends `signal` and waits for the process to exit.
        public func kill(signal: Int32) { process.kill(signal: signal) }

        /// Waits for the process to exit and returns its status.
        public func wait() -> Int32 { process.wait() }
    }

    /// A start that never logged its port.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Makes the directory and the transit key (`keys/transit.key` in it). `transitKeyFile`
    /// names an existing key file to use instead; `environment` is added to every process's.
    public init(_ test: TestDatabase, transitKeyFile: String? = nil, environment extra: [String: String] = [:]) throws {
        directory = NSTemporaryDirectory() + "pw-processes-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let keyFile = transitKeyFile ?? directory + "/keys/transit.key"
        self.transitKeyFile = keyFile
        transit = try TransitKeyring.loadOrCreate(path: keyFile)
        environment = [
            "PAGEWIRE_DATABASE_URL": test.url.urlString,
            "PAGEWIRE_VAULT_TRANSIT_KEY_FILE": keyFile,
            "PAGEWIRE_PATHS_RESOURCES": TestDatabase.repositoryRoot + "/Resources",
            "PAGEWIRE_PATHS_VAR": directory,
            "PAGEWIRE_SIMULATOR_SPOOL": directory + "/simulator",
        ].merging(extra) { $1 }
    }

    /// Where the simulator keeps the faxes it receives.
    public var simulatorSpool: String { directory + "/simulator" }

    /// The carrier simulator (`pagewire-telephony simulate`), with media on `rtpPorts`.
    public func startSimulator(rtpPorts: ClosedRange<Int>, environment extra: [String: String] = [:]) async throws -> Started {
        try await start("pagewire-telephony", ["simulate"], tag: "SIM", environment: [
            "PAGEWIRE_SIMULATOR_SIP_PORT": "0",
            "PAGEWIRE_SIMULATOR_RTP_PORT_MIN": String(rtpPorts.lowerBound), "PAGEWIRE_SIMULATOR_RTP_PORT_MAX": String(rtpPorts.upperBound),
        ].merging(extra) { $1 }, portLine: "Carrier simulator listening", key: "sip.port")
    }

    /// `pagewire-telephony serve`, with media on `rtpPorts`.
    public func startTelephony(rtpPorts: ClosedRange<Int>, environment extra: [String: String] = [:]) async throws -> Started {
        try await start("pagewire-telephony", ["serve"], tag: "TEL", environment: [
            "PAGEWIRE_TELEPHONY_SIP_PORT": "0",
            "PAGEWIRE_TELEPHONY_RTP_PORT_MIN": String(rtpPorts.lowerBound), "PAGEWIRE_TELEPHONY_RTP_PORT_MAX": String(rtpPorts.upperBound),
        ].merging(extra) { $1 }, portLine: "SIP listening", key: "sip.port")
    }

    /// `pagewire-jobs serve`; its SMTP listener takes a free port unless `extra` disables it.
    public func startJobs(environment extra: [String: String] = [:]) async throws -> Started {
        let environment = ["PAGEWIRE_SMTP_PORT": "0"].merging(extra) { $1 }
        let smtp = (environment["PAGEWIRE_SMTP_ENABLED"] ?? self.environment["PAGEWIRE_SMTP_ENABLED"]) != "false"
        return try await start("pagewire-jobs", ["serve"], tag: "JOBS", environment: environment,
                               portLine: smtp ? "smtp listening" : nil, key: "smtp.port")
    }

    /// `pagewire-web serve` with one worker unless `extra` says otherwise.
    public func startWeb(environment extra: [String: String] = [:]) async throws -> Started {
        try await start("pagewire-web", ["serve"], tag: "WEB", environment: [
            "PAGEWIRE_WEB_PORT": "0", "PAGEWIRE_WEB_WORKERS": "1",
        ].merging(extra) { $1 }, portLine: "serving on port", key: "web.port")
    }

    /// Any other Pagewire command with the shared environment (a one-off such as
    /// `pagewire-telephony simulator-trunk`); its output is the caller's to read.
    public func command(_ executable: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> TestProcess {
        try TestProcess.start(executable, arguments, environment: environment.merging(extra) { $1 }, mergingStandardError: true)
    }

    /// Ends every process still running with SIGTERM, newest first, and removes the directory.
    public func stop() {
        let processes = started.withLock { all in
            defer { all = [] }
            return all
        }
        for (_, process) in processes.reversed() { process.kill(signal: SIGTERM) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts a process logging at info unless told otherwise (its port line is an info line),
    /// drains its output and, with `portLine`, waits for that line and reads the number after
    /// `key=` on it.
    private func start(_ executable: String, _ arguments: [String], tag base: String, environment extra: [String: String],
                       portLine: String?, key: String) async throws -> Started {
        let environment = ["PAGEWIRE_LOG_LEVEL": "info"].merging(self.environment) { $1 }.merging(extra) { $1 }
        let process = try TestProcess.start(executable, arguments, environment: environment, mergingStandardError: true)
        let tag = started.withLock { all in
            let earlier = all.filter { $0.base == base }.count
            all.append((base, process))
            return earlier == 0 ? base : base + String(earlier + 1)
        }
        log.drain(process, tag: tag)
        guard let portLine else { return Started(process: process, tag: tag, port: 0, log: log) }
        let line = try await log.firstLine(containing: portLine, tag: tag, seconds: 120)
        guard let port = line?.split(separator: " ").first(where: { $0.hasPrefix(key + "=") }).flatMap({ Int($0.dropFirst(key.count + 1)) }) else {
            throw StartError(description: "\(executable) \(arguments.joined(separator: " ")) logged no \(key) ('\(portLine)'):\n\(log.tail(30, tag: tag))")
        }
        return Started(process: process, tag: tag, port: port, log: log)
    }
}
