import Foundation

/// Per-IP connection and message limits and a per-sender message limit, over a sliding window.
/// In memory per process on purpose: it protects this listener; the MTA in front does the rest.
public actor SMTPRateLimiter {
    /// The limits; 0 turns a limit off.
    public struct Limits: Sendable, Equatable {
        /// Connections open at once from one IP address.
        public var connectionsPerIP: Int
        /// Messages (MAIL commands) per window from one IP address.
        public var messagesPerIP: Int
        /// Messages per window from one return path.
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

    private let limits: Limits
    private var open: [String: Int] = [:]
    private var sent: [String: [Date]] = [:]

    /// A limiter with `limits`.
    public init(limits: Limits) {
        self.limits = limits
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

    /// Counts a message from `ip` and `sender`; the reason when a limit is reached (nothing counted then).
    func admitMessage(ip: String, sender: String, now: Date = Date()) -> String? {
        let ipKey = "ip:" + ip, senderKey = "from:" + sender.lowercased()
        let cutoff = now.addingTimeInterval(-limits.window)
        for key in [ipKey, senderKey] { sent[key]?.removeAll { $0 < cutoff } }
        if limits.messagesPerIP > 0, sent[ipKey, default: []].count >= limits.messagesPerIP {
            return "too many messages from \(ip); try again later"
        }
        if !sender.isEmpty, limits.messagesPerSender > 0, sent[senderKey, default: []].count >= limits.messagesPerSender {
            return "too many messages from \(sender); try again later"
        }
        sent[ipKey, default: []].append(now)
        if !sender.isEmpty { sent[senderKey, default: []].append(now) }
        if sent.count > 100_000 { sent = sent.filter { !$0.value.isEmpty } }
        return nil
    }
}
