import Foundation
import Logging
import ServiceLifecycle

/// Registers the running process in `processes` and refreshes `last_seen` every few seconds,
/// so operators see which processes are alive and work leases name a real owner.
public struct ProcessRegistration: Service {
    public let database: Database
    public let role: String
    /// Unique per process start: role, host, pid and a random suffix.
    public let processID: String
    let logger: Logger
    let interval: Duration

    public init(database: Database, role: String, logger: Logger, interval: Duration = .seconds(5)) {
        self.database = database
        self.role = role
        let host = ProcessInfo.processInfo.hostName
        self.processID = "\(role)@\(host):\(getpid()):\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        let started = Date()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await database.execute(
                    """
                    INSERT INTO processes (id, role, host, pid, version, started_at, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON DUPLICATE KEY UPDATE last_seen = VALUES(last_seen)
                    """,
                    processID, role, ProcessInfo.processInfo.hostName, Int(getpid()), PagewireVersion.string, started, Date())
            } catch {
                logger.warning("could not record this process in the database: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
        _ = try? await database.execute("DELETE FROM processes WHERE id = ?", processID)
        logger.info("process unregistered")
    }
}
