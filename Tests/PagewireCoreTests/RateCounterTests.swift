import Foundation
import PagewireCore
import Testing

/// Rate counters in MariaDB: counts across a window boundary, and purges that leave other
/// counters' live windows alone.
@Suite("Rate counters")
struct RateCounterTests {
    /// The start of an hour, so every window length used here starts there too.
    static let hour = Date(timeIntervalSince1970: 1_800_000_000 - 1_800_000_000.truncatingRemainder(dividingBy: 3600))

    @Test func aBurstAcrossAWindowBoundaryIsCountedWholeWhenThePreviousWindowCounts() async throws {
        try await TestDatabase.with { test in
            // setup: six tries in the last second of one 300 s window
            let counter = RateCounter(database: test.database)
            let boundary = Self.hour.addingTimeInterval(300)
            for _ in 0..<6 { _ = try await counter.hitCountingPreviousWindow("totp:7", window: 300, now: boundary.addingTimeInterval(-1)) }
            // act: five more in the first second of the next
            var counts: [Int] = []
            for _ in 0..<5 { counts.append(try await counter.hitCountingPreviousWindow("totp:7", window: 300, now: boundary.addingTimeInterval(1))) }
            // check: the previous window's six count; a plain fixed window would have started again at 1
            #expect(counts == [7, 8, 9, 10, 11])
            #expect(try await counter.count("totp:7", window: 300, now: boundary.addingTimeInterval(1)) == 5)
            // two windows on, the old tries no longer count
            #expect(try await counter.hitCountingPreviousWindow("totp:7", window: 300, now: boundary.addingTimeInterval(301)) == 6)
            #expect(try await counter.hitCountingPreviousWindow("totp:7", window: 300, now: boundary.addingTimeInterval(601)) == 2)
        }
    }

    @Test func anOwnersPurgeRemovesOnlyItsKeysAndTheExpirySweepOnlyDeadWindows() async throws {
        try await TestDatabase.with { test in
            // setup: an hourly limit, a one-minute SMTP limit, a key that starts like SMTP's but
            // without its dot, and a counter from three hours ago
            let counter = RateCounter(database: test.database)
            let start = Self.hour.addingTimeInterval(10)
            _ = try await counter.hit(["reset.login:ann@example.com"], window: 3600, now: start)
            _ = try await counter.hit(["smtp.ip:192.0.2.1", "smtpXip:192.0.2.1"], window: 60, now: start)
            _ = try await counter.hit(["verify-address:3"], window: 3600, now: start.addingTimeInterval(-3 * 3600))
            // act: the SMTP limiter purges its own windows older than two minutes, eight minutes on
            let later = start.addingTimeInterval(500)
            let purged = try await counter.purge(keyPrefix: "smtp.", before: later.addingTimeInterval(-120))
            // check: only its key went; the hourly window still holds its count
            #expect(purged == 1)
            #expect(try await counter.count("smtp.ip:192.0.2.1", window: 60, now: start) == 0)
            #expect(try await counter.count("smtpXip:192.0.2.1", window: 60, now: start) == 1)
            #expect(try await counter.count("reset.login:ann@example.com", window: 3600, now: later) == 1)
            // act: the hourly sweep removes windows older than two of the longest
            let swept = try await counter.purgeExpired(now: later)
            // check
            #expect(swept == 1)
            #expect(try await counter.count("verify-address:3", window: 3600, now: start.addingTimeInterval(-3 * 3600)) == 0)
            #expect(try await counter.count("reset.login:ann@example.com", window: 3600, now: later) == 1)
        }
    }
}
