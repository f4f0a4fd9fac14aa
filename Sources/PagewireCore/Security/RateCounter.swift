import Foundation

/// Fixed-window event counters in MariaDB (`rate_counters`): every process that counts the same
/// key shares one count, so a limit holds across SMTP listeners and web workers alike.
///
/// A window is `[floor(now / length) * length, … + length)`; a burst straddling two windows may
/// reach twice a limit, which is what a fixed window trades for one row per key and window
/// (`hitCountingPreviousWindow` closes that gap where it matters).
///
/// Every counter shares the table, so old rows are removed only by the owner of their keys
/// (`purge(keyPrefix:before:)`) or once past every window in use (`purgeExpired`).
public struct RateCounter: Sendable {
    /// The longest window a counter uses in production: rows older than two of these are dead
    /// whoever counted them (a longer window, as tests use to stay clear of boundaries, may be
    /// swept by `purgeExpired` while in use).
    public static let longestWindow: TimeInterval = 3600

    /// Where the counters live.
    public let database: Database

    /// Counters over `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Counts one event for each key in the current window of `window` seconds and returns each
    /// key's count including this event, in the order given. One transaction, one commit.
    public func hit(_ keys: [String], window: TimeInterval, now: Date = Date()) async throws -> [Int] {
        let start = Self.windowStart(now, length: window)
        return try await database.transaction { c in
            var counts: [Int] = []
            for key in keys {
                // LAST_INSERT_ID(expr) hands the new count back without a second query; a fresh row reads 0 there.
                let result = try c.execute(
                    """
                    INSERT INTO rate_counters (counter_key, window_start, hits) VALUES (?, ?, 1)
                    ON DUPLICATE KEY UPDATE hits = LAST_INSERT_ID(hits + 1)
                    """,
                    String(key.prefix(320)), start)
                counts.append(result.lastInsertID == 0 ? 1 : Int(result.lastInsertID))
            }
            return counts
        }
    }

    /// The count of `key` in the current window, without counting.
    public func count(_ key: String, window: TimeInterval, now: Date = Date()) async throws -> Int {
        try await database.query(
            "SELECT hits FROM rate_counters WHERE counter_key = ? AND window_start = ?", String(key.prefix(320)), Self.windowStart(now, length: window)
        ).first?.get("hits") ?? 0
    }

    /// Counts one event for `key` and returns its count in this window plus the previous one's,
    /// so a limit holds over any span of one window length, wherever the boundary falls (and a
    /// caller over it waits up to two windows).
    public func hitCountingPreviousWindow(_ key: String, window: TimeInterval, now: Date = Date()) async throws -> Int {
        let current = try await hit([key], window: window, now: now)[0]
        return current + (try await count(key, window: window, now: now.addingTimeInterval(-max(1, window.rounded()))))
    }

    /// Removes the windows of keys starting with `keyPrefix` that started before `cutoff` (at most
    /// `limit` rows per call). Only the owner of those keys knows their window, so only it may
    /// cut this close: a sweep over every key once removed the current windows of longer counters.
    @discardableResult
    public func purge(keyPrefix: String, before cutoff: Date, limit: Int = 5000) async throws -> Int {
        Int(try await database.execute(
            "DELETE FROM rate_counters WHERE counter_key LIKE CONCAT(?, '%') AND window_start < ? LIMIT ?",
            Self.likeLiteral(keyPrefix), cutoff, limit).affectedRows)
    }

    /// Removes windows of any key that started more than two `longestWindow`s before `now`
    /// (at most `limit` rows per call).
    @discardableResult
    public func purgeExpired(now: Date = Date(), limit: Int = 5000) async throws -> Int {
        Int(try await database.execute(
            "DELETE FROM rate_counters WHERE window_start < ? LIMIT ?", now.addingTimeInterval(-2 * Self.longestWindow), limit).affectedRows)
    }

    /// `text` with LIKE's wildcards and escape character taken literally.
    static func likeLiteral(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    static func windowStart(_ now: Date, length: TimeInterval) -> Date {
        let length = max(1, length.rounded())
        return Date(timeIntervalSince1970: (now.timeIntervalSince1970 / length).rounded(.down) * length)
    }
}
