import Foundation

/// A command run to its end, for tests that ask an independent tool (poppler, zbarimg, curl,
/// Python checkers, Selenium walkthroughs): how it exited and what it printed.
public struct CommandRun: Sendable {
    /// Where the command's standard error goes.
    public enum StandardError: Sendable {
        /// Into `output`, interleaved with standard output.
        case merged
        /// Nowhere (tools that complain about their surroundings there).
        case discarded
        /// To the test's own standard error.
        case inherited
    }

    /// The exit status.
    public let status: Int32
    /// What it printed (standard output, and standard error when merged).
    public let output: String

    /// Runs `executable` with `arguments` (in `directory`, and with `environment` instead of the
    /// test's, when given), writes `input` to its standard input, and waits for it to exit.
    public static func run(
        _ executable: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil,
        input: String? = nil, standardError: StandardError = .merged
    ) throws -> CommandRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        let output = Pipe()
        process.standardOutput = output
        switch standardError {
        case .merged: process.standardError = output
        case .discarded: process.standardError = FileHandle.nullDevice
        case .inherited: break
        }
        let inputPipe = Pipe()
        if input != nil { process.standardInput = inputPipe }
        try process.run()
        if let input {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try inputPipe.fileHandleForWriting.close()
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return CommandRun(status: process.terminationStatus, output: text)
    }
}
