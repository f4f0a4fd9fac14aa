import Foundation
@testable import PagewireCore
import Testing

@Suite("Identity: verified-token cache")
struct VerifiedTokenCacheTests {
    static let principal = APIPrincipal(tokenID: 0, userID: 7, accountID: 3, companyID: 3, scope: AccountScope(rootID: 3, path: "/1/3/"))

    @Test func entriesLiveTheirTTLButNeverPastTheTokensExpiry() {
        // setup
        let cache = VerifiedTokenCache(ttl: 10, capacity: 3)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        // act
        cache.store(Self.principal, for: "a", expiresAt: t0.addingTimeInterval(60), now: t0)
        cache.store(Self.principal, for: "b", expiresAt: t0.addingTimeInterval(4), now: t0)
        // check
        #expect(cache.principal(for: "a", now: t0.addingTimeInterval(9)) == Self.principal)
        #expect(cache.principal(for: "a", now: t0.addingTimeInterval(10)) == nil)
        #expect(cache.principal(for: "b", now: t0.addingTimeInterval(3)) == Self.principal)
        #expect(cache.principal(for: "b", now: t0.addingTimeInterval(4)) == nil)
        #expect(cache.principal(for: "c", now: t0) == nil)
        // clearing forgets everything; a full cache starts over rather than growing
        cache.store(Self.principal, for: "a", expiresAt: nil, now: t0)
        cache.removeAll()
        #expect(cache.principal(for: "a", now: t0) == nil)
        for key in ["1", "2", "3", "4"] { cache.store(Self.principal, for: key, expiresAt: nil, now: t0) }
        #expect(cache.principal(for: "4", now: t0) != nil && cache.principal(for: "1", now: t0) == nil)
        // a TTL of zero caches nothing
        let off = VerifiedTokenCache(ttl: 0)
        off.store(Self.principal, for: "a", expiresAt: nil, now: t0)
        #expect(off.principal(for: "a", now: t0) == nil)
    }
}
