import Foundation
import PagewireCore
import Synchronization

/// The listener's limits: connections open at once per IP address, counted in memory (they are
/// this listener's own sockets), and messages per window per IP address and per sender, counted
/// in MariaDB (`RateCounter`), so the limits hold however many `pagewire-jobs` processes listen.
public actor SMTPRateLimiter {
    /// The limits; 0 turns a limit off.
    public struct Limits: Sendable, Equatable {
        /// Connections open at once from one IP address (per listener).
        public var connectionsPerIP: Int
        /// Messages (MAIL commands) per window from one IP address (all listeners together).
        public var messagesPerIP: Int
        /// Messages per window from one return path (all listeners together).
        public var messagesPerSender: Int
        /// The window.
        public var window: TimeInterval

        /// Limits.
        public init(connectionsPerIP: Int = 20, messagesPerIP: Int = 120, messagesPerSender: Int = 60, window: TimeInterval = 60) {
            self.connectionsPerIP = connectionsPerIP
            self.messagesPerIP = messagesPerIP
            self.messagesPerSender = messagesPerSender
            self.window = window
        }
    }

    /// What the message limits decided.
    enum Admission: Equatable {
        case admitted
        /// Over a limit: the reason for a 450.
        case limited(String)
    }

    private let limits: Limits
    private let counter: RateCounter
    private var open: [String: Int] = [:]
    private let counted = Atomic<Int>(0)

    /// A limiter with `limits`, counting messages in `database`.
    public init(limits: Limits, database: Database) {
        self.limits = limits
        self.counter = RateCounter(database: database)
    }

    /// Counts a new connection; false when the IP has too many open.
    func connectionOpened(ip: String) -> Bool {
        let n = open[ip, default: 0]
        if limits.connectionsPerIP > 0 && n >= limits.connectionsPerIP { return false }
        open[ip] = n + 1
        return true
    }

    /// Counts a connection closed (only those `connectionOpened` accepted).
    func connectionClosed(ip: String) {
        let n = open[ip, default: 1] - 1
        open[ip] = n > 0 ? n : nil
    }

    /// The start of every key this limiter counts (and the only ones it purges).
    static let keyPrefix = "smtp."

    /// Counts a message from `ip` and `sender` (attempts over a limit count too, so a client that
    /// keeps trying stays limited). Throws when the counters cannot be reached.
    nonisolated func admitMessage(ip: String, sender: String, now: Date = Date()) async throws -> Admission {
        let sender = sender.lowercased()
        var keys: [(key: String, limit: Int, reason: String)] = []
        if limits.messagesPerIP > 0 { keys.append((Self.keyPrefix + "ip:" + ip, limits.messagesPerIP, "too many messages from \(ip); try again later")) }
        if limits.messagesPerSender > 0, !sender.isEmpty {
            keys.append((Self.keyPrefix + "from:" + sender, limits.messagesPerSender, "too many messages from \(sender); try again later"))
        }
        guard !keys.isEmpty else { return .admitted }
        let counts = try await counter.hit(keys.map(\.key), window: limits.window, now: now)
        // Old windows go now and then, by whichever listener counts the 1000th message.
        if counted.add(1, ordering: .relaxed).newValue % 1000 == 0 {
            try await counter.purge(keyPrefix: Self.keyPrefix, before: now.addingTimeInterval(-2 * max(limits.window, 60)))
        }
        for (entry, count) in zip(keys, counts) where count > entry.limit { return .limited(entry.reason) }
        return .admitted
    }
}
