import Foundation

/// A Pagewire executable started by a test, with its standard output readable line by line.
public final class TestProcess: @unchecked Sendable {
    private let process: Process
    private let output: FileHandle
    private var buffer: [UInt8] = []

    /// Starts `name` from the build directory (`PAGEWIRE_TEST_BIN`, set by scripts/test).
    /// With `mergingStandardError`, the process's log lines (standard error) are read too.
    public static func start(_ name: String, _ arguments: [String], environment: [String: String] = [:], mergingStandardError: Bool = false) throws -> TestProcess {
        let binDirectory = ProcessInfo.processInfo.environment["PAGEWIRE_TEST_BIN"]
            ?? TestDatabase.repositoryRoot + "/.build/debug"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binDirectory + "/" + name)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        env["PAGEWIRE_LOG_LEVEL"] = env["PAGEWIRE_LOG_LEVEL"] ?? "warning"
        // pagewire-jobs listens for e-mail (2525 by default): tests that do not pick a port get a free one.
        env["PAGEWIRE_SMTP_PORT"] = env["PAGEWIRE_SMTP_PORT"] ?? "0"
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        if mergingStandardError { process.standardError = pipe }
        try process.run()
        return TestProcess(process: process, output: pipe.fileHandleForReading)
    }

    private init(process: Process, output: FileHandle) {
        self.process = process
        self.output = output
    }

    /// The next line the process prints, without its newline; nil at end of output.
    public func readLine() throws -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeFirst(newline + 1)
                return line
            }
            let chunk = output.availableData
            if chunk.isEmpty {
                if buffer.isEmpty { return nil }
                defer { buffer = [] }
                return String(decoding: buffer, as: UTF8.self)
            }
            buffer.append(contentsOf: chunk)
        }
    }

    public var processIdentifier: Int32 { process.processIdentifier }

    /// Sends `signal` and waits for the process to exit (only waits when it has exited already,
    /// so a second kill never signals a reused process id).
    public func kill(signal: Int32) {
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
        process.waitUntilExit()
    }

    /// Waits for the process to exit and returns its status.
    public func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}
