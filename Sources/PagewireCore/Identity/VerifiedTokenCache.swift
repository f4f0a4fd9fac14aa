import Foundation
import Synchronization

/// Recently verified bearer JWTs and the principal each stands for, so a client repeating its
/// token is not re-verified (signature, app and user lookups) on every request.
///
/// An entry lives `ttl` seconds at most and never past the token's `exp`. Changes to apps made
/// through this process clear the cache at once; another process's changes (an app deleted, a
/// user locked) reach this one within `ttl`.
public final class VerifiedTokenCache: Sendable {
    /// Longest time a verification is reused.
    public let ttl: TimeInterval
    /// Most entries kept; the cache is emptied when it is full.
    public let capacity: Int

    struct Entry: Sendable {
        var principal: APIPrincipal
        var until: Date
    }
    private let entries = Mutex<[String: Entry]>([:])

    /// A cache keeping verifications for `ttl` seconds.
    public init(ttl: TimeInterval = 10, capacity: Int = 10_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    /// The principal of `token` if it was verified recently.
    public func principal(for token: String, now: Date = Date()) -> APIPrincipal? {
        entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            if entry.until > now { return entry.principal }
            entries[token] = nil
            return nil
        }
    }

    /// Remembers that `token` stands for `principal` until `expiresAt` (or `ttl`, whichever is sooner).
    public func store(_ principal: APIPrincipal, for token: String, expiresAt: Date?, now: Date = Date()) {
        guard ttl > 0 else { return }
        let until = min(now.addingTimeInterval(ttl), expiresAt ?? .distantFuture)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = Entry(principal: principal, until: until)
        }
    }

    /// Forgets every verification (after an app or its user changed).
    public func removeAll() {
        entries.withLock { $0.removeAll() }
    }
}
