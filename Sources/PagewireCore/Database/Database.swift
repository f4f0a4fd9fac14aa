import Foundation
import Logging
import NIOPosix
import Synchronization

/// A pool of MariaDB connections whose blocking calls run on a thread pool of their own,
/// never on an event loop or the cooperative executor.
///
/// Connections open lazily up to `maxConnections`; callers beyond that wait in order. A
/// connection that sat idle is pinged before use and replaced when the server went away (a
/// restarted server costs the failing calls, not the next one). A connection that reported
/// a lost link is closed instead of returned.
public final class Database: Sendable {
    public let url: DatabaseURL
    public let maxConnections: Int
    private let threadPool: NIOThreadPool
    private let state: Mutex<PoolState>
    private let logger: Logger
    /// Connections idle longer than this are pinged before they are handed out.
    private let pingAfterIdle: TimeInterval = 0.25

    private struct PoolState: ~Copyable {
        var idle: [DatabaseConnection] = []
        var open = 0
        var waiters: [CheckedContinuation<DatabaseConnection?, any Error>] = []
        var closed = false
    }

    public init(url: DatabaseURL, maxConnections: Int = 8, logger: Logger = Logger(label: "pagewire.database")) {
        self.url = url
        self.maxConnections = max(1, maxConnections)
        self.threadPool = NIOThreadPool(numberOfThreads: max(1, maxConnections))
        self.threadPool.start()
        self.state = Mutex(PoolState())
        self.logger = logger
    }

    /// Closes idle connections and stops the thread pool; later calls fail with `.unavailable`.
    public func shutdown() async {
        let (idle, waiters) = state.withLock { s in
            s.closed = true
            let result = (s.idle, s.waiters)
            s.idle = []
            s.waiters = []
            s.open -= result.0.count
            return result
        }
        for w in waiters { w.resume(throwing: DatabaseError(.unavailable, "the database pool was shut down")) }
        _ = idle
        try? await threadPool.shutdownGracefully()
    }

    /// Runs `body` with a connection of its own on the database thread pool.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (DatabaseConnection) throws -> T) async throws -> T {
        let reserved = try await checkout()
        let url = self.url
        let pingAfterIdle = self.pingAfterIdle
        let outcome: (DatabaseConnection?, Result<T, any Error>)
        do {
            outcome = try await threadPool.runIfActive { () -> (DatabaseConnection?, Result<T, any Error>) in
                var connection: DatabaseConnection
                do {
                    connection = try reserved ?? DatabaseConnection(url: url)
                    if reserved != nil, Date().timeIntervalSince(connection.lastUsed) > pingAfterIdle, !connection.ping() {
                        connection = try DatabaseConnection(url: url)
                    }
                } catch {
                    return (nil, .failure(error))
                }
                connection.operationsSinceCheckout = 0
                let result = Result { try body(connection) }
                connection.lastUsed = Date()
                return (connection, result)
            }
        } catch {
            release(nil)
            throw DatabaseError(.unavailable, "the database thread pool is not running")
        }
        let (connection, result) = outcome
        if let connection, !connection.isBroken {
            release(connection)
        } else {
            if connection != nil { logger.warning("discarding a broken database connection") }
            release(nil)
        }
        return try result.get()
    }

    /// Runs `body` inside a transaction: committed when it returns, rolled back when it throws.
    /// A deadlock or lock-wait timeout re-runs the whole transaction up to `deadlockRetries` times.
    public func transaction<T: Sendable>(
        deadlockRetries: Int = 3,
        _ body: @escaping @Sendable (DatabaseConnection) throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await withConnection { connection in
                    try connection.run("START TRANSACTION")
                    do {
                        let result = try body(connection)
                        try connection.run("COMMIT")
                        return result
                    } catch {
                        if !connection.isBroken { try? connection.run("ROLLBACK") }
                        throw error
                    }
                }
            } catch let error as DatabaseError where error.kind == .deadlock && attempt < deadlockRetries {
                attempt += 1
            }
        }
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ binds: any SQLEncodable...) async throws -> [SQLRow] {
        let binds = binds
        return try await withConnection { try $0.query(sql, binds) }
    }

    /// Runs one statement without a result set.
    @discardableResult
    public func execute(_ sql: String, _ binds: any SQLEncodable...) async throws -> SQLExecution {
        let binds = binds
        return try await withConnection { try $0.execute(sql, binds) }
    }

    // MARK: - Pool bookkeeping

    /// Returns an idle connection, or nil as permission to open a new one, waiting when full.
    private func checkout() async throws -> DatabaseConnection? {
        enum Decision { case connection(DatabaseConnection), openNew, wait, closed }
        let decision: Decision = state.withLock { s in
            if s.closed { return .closed }
            if let c = s.idle.popLast() { return .connection(c) }
            if s.open < maxConnections { s.open += 1; return .openNew }
            return .wait
        }
        switch decision {
        case .connection(let c): return c
        case .openNew: return nil
        case .closed: throw DatabaseError(.unavailable, "the database pool was shut down")
        case .wait:
            return try await withCheckedThrowingContinuation { continuation in
                let closed = state.withLock { s in
                    if s.closed { return true }
                    // A connection may have come back while we were deciding to wait.
                    if let c = s.idle.popLast() { continuation.resume(returning: c); return false }
                    if s.open < maxConnections { s.open += 1; continuation.resume(returning: nil); return false }
                    s.waiters.append(continuation)
                    return false
                }
                if closed { continuation.resume(throwing: DatabaseError(.unavailable, "the database pool was shut down")) }
            }
        }
    }

    /// Gives a connection back (or, with nil, the right to open one) to the first waiter or the idle list.
    private func release(_ connection: DatabaseConnection?) {
        let waiter: CheckedContinuation<DatabaseConnection?, any Error>? = state.withLock { s in
            if !s.waiters.isEmpty { return s.waiters.removeFirst() }
            if let connection, !s.closed { s.idle.append(connection) } else { s.open -= 1 }
            return nil
        }
        waiter?.resume(returning: connection)
    }
}
