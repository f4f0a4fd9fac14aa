import Foundation
import PagewireCore

/// One Selenium walkthrough (a Python script in `Tests/PortalTests/Browser`) run to its end in
/// headless Chromium, with the Python of the venv `scripts/test` prepares.
struct BrowserWalkthrough {
    /// How the script ended.
    struct Outcome {
        let status: Int32
        /// Everything it printed, standard output and error interleaved.
        let transcript: String
    }

    struct NoBrowserPython: Error, CustomStringConvertible {
        var description: String { "PAGEWIRE_TEST_BROWSER_PYTHON is not set: run the tests through scripts/test" }
    }

    /// Where the walkthroughs leave their screenshots.
    static let screenshots = TestDatabase.repositoryRoot + "/var/screenshots"

    /// The venv's Python; throws (failing the test) when the tests were not started by scripts/test.
    static func python() throws -> String {
        guard let python = ProcessInfo.processInfo.environment["PAGEWIRE_TEST_BROWSER_PYTHON"] else { throw NoBrowserPython() }
        return python
    }

    /// Runs `Browser/<script>` with `arguments` (Selenium Manager kept offline) and waits for it.
    static func run(_ script: String, _ arguments: [String]) throws -> Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["SE_OFFLINE"] = "true"
        let run = try CommandRun.run(
            try python(), [TestDatabase.repositoryRoot + "/Tests/PortalTests/Browser/" + script] + arguments, environment: environment)
        return Outcome(status: run.status, transcript: run.output)
    }
}
