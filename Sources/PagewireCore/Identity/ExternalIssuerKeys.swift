import Foundation
import JWTKit
import Synchronization

/// The signing keys of external identity providers: found through each issuer's OpenID
/// configuration (its metadata URL, fetched with libcurl), cached, and fetched again when a token
/// names an unknown `kid` — at most once per `minRefreshInterval` per issuer, so a flood of tokens
/// with invented key ids cannot make the platform hammer the provider.
public final class ExternalIssuerKeys: Sendable {
    /// Least time between two fetches of one issuer's keys.
    public let minRefreshInterval: TimeInterval
    /// How long fetched keys are used before they are fetched again regardless.
    public let maxAge: TimeInterval
    /// The algorithms accepted from external issuers (each must match its key's type).
    public static let allowedAlgorithms: Set<String> = ["RS256", "RS384", "RS512", "ES256", "ES384"]

    struct Entry: Sendable {
        var keys: [JWK] = []
        var fetchedAt: Date = .distantPast
        var attemptedAt: Date = .distantPast
    }
    private let entries = Mutex<[String: Entry]>([:])
    /// Serialises fetches so concurrent requests with a new kid cause one fetch, not many.
    private let fetching = AsyncFetchGate()

    /// A cache with the given refresh bounds.
    public init(minRefreshInterval: TimeInterval = 30, maxAge: TimeInterval = 3600) {
        self.minRefreshInterval = minRefreshInterval
        self.maxAge = maxAge
    }

    /// How many times keys were fetched (for tests of the refresh bound).
    public var fetchCount: Int { fetchCounter.withLock { $0 } }
    private let fetchCounter = Mutex(0)

    func verify(_ token: String, issuer: String, metadataURL: String, alg: String, kid: String?, now: Date) async throws(AccessTokenVerifier.Failure) -> AccessTokenClaims {
        guard Self.allowedAlgorithms.contains(alg) else { throw .init(reason: .algorithmNotAllowed(alg)) }
        var jwk = try await key(issuer: issuer, metadataURL: metadataURL, kid: kid, now: now, refresh: false)
        if jwk == nil { jwk = try await key(issuer: issuer, metadataURL: metadataURL, kid: kid, now: now, refresh: true) }
        guard let jwk else { throw .init(reason: .unknownKey) }
        guard Self.matches(jwk, alg: alg) else { throw .init(reason: .algorithmNotAllowed(alg)) }
        let claims: AccessTokenClaims
        do {
            let collection = JWTKeyCollection()
            try await collection.add(jwk: jwk)
            claims = try await collection.verify(token, as: AccessTokenClaims.self)
        } catch {
            throw .init(reason: .badSignature)
        }
        guard claims.iss == issuer else { throw .init(reason: .unknownIssuer) }
        return claims
    }

    /// Whether `alg` is the algorithm of `jwk`'s type (no RSA key used for HMAC or EC, and so on).
    static func matches(_ jwk: JWK, alg: String) -> Bool {
        if let declared = jwk.algorithm?.rawValue, declared != alg { return false }
        switch jwk.keyType.rawValue {
        case "RSA": return alg.hasPrefix("RS")
        case "EC":
            switch jwk.curve?.rawValue {
            case "P-256": return alg == "ES256"
            case "P-384": return alg == "ES384"
            default: return false
            }
        default: return false
        }
    }

    func key(issuer: String, metadataURL: String, kid: String?, now: Date, refresh: Bool) async throws(AccessTokenVerifier.Failure) -> JWK? {
        func pick(_ keys: [JWK]) -> JWK? {
            let signing = keys.filter { $0.keyType.rawValue == "RSA" || $0.keyType.rawValue == "EC" }
            if let kid { return signing.first { $0.keyIdentifier?.string == kid } }
            return signing.count == 1 ? signing[0] : nil
        }
        let entry = entries.withLock { $0[issuer] } ?? Entry()
        let fresh = now.timeIntervalSince(entry.fetchedAt) < maxAge
        if fresh, !refresh { return pick(entry.keys) }
        // Bounded: a fetch at most once per interval, whatever the tokens say.
        if now.timeIntervalSince(entry.attemptedAt) < minRefreshInterval { return pick(entry.keys) }
        do {
            try await fetching.run {
                let current = self.entries.withLock { $0[issuer] } ?? Entry()
                guard now.timeIntervalSince(current.attemptedAt) >= self.minRefreshInterval else { return }
                self.entries.withLock { $0[issuer, default: Entry()].attemptedAt = now }
                let keys = try await Self.fetch(issuer: issuer, metadataURL: metadataURL)
                self.fetchCounter.withLock { $0 += 1 }
                self.entries.withLock { $0[issuer] = Entry(keys: keys, fetchedAt: now, attemptedAt: now) }
            }
        } catch {
            if entry.keys.isEmpty { throw .init(reason: .keysUnavailable) }
        }
        return pick(entries.withLock { $0[issuer] }?.keys ?? [])
    }

    struct Metadata: Decodable {
        var issuer: String
        var jwksURI: String
        enum CodingKeys: String, CodingKey { case issuer, jwksURI = "jwks_uri" }
    }

    /// The issuer's keys: its OpenID configuration must name the same issuer.
    static func fetch(issuer: String, metadataURL: String) async throws -> [JWK] {
        let metadata = try await Curl.get(url: metadataURL, headers: ["Accept: application/json"])
        guard metadata.status == 200 else { throw ExternalIssuerError.http(metadata.status) }
        let document = try JSONDecoder().decode(Metadata.self, from: Data(metadata.body))
        guard document.issuer == issuer else { throw ExternalIssuerError.issuerMismatch }
        let jwks = try await Curl.get(url: document.jwksURI, headers: ["Accept: application/json"])
        guard jwks.status == 200 else { throw ExternalIssuerError.http(jwks.status) }
        // Keys jwt-kit cannot read are skipped, not fatal: a provider may publish other kinds.
        struct Lenient: Decodable {
            var keys: [Failable]
            struct Failable: Decodable {
                var key: JWK?
                init(from decoder: any Decoder) throws { key = try? JWK(from: decoder) }
            }
        }
        return try JSONDecoder().decode(Lenient.self, from: Data(jwks.body)).keys.compactMap(\.key)
    }
}

/// Why an external issuer's keys could not be fetched.
public enum ExternalIssuerError: Error, Equatable {
    case http(Int)
    case issuerMismatch
}

/// Runs one async operation at a time.
final class AsyncFetchGate: Sendable {
    private let state = Mutex<(busy: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func run(_ body: @Sendable () async throws -> Void) async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let proceed = state.withLock { s -> Bool in
                if s.busy { s.waiters.append(continuation); return false }
                s.busy = true
                return true
            }
            if proceed { continuation.resume() }
        }
        defer {
            let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
                if s.waiters.isEmpty { s.busy = false; return nil }
                return s.waiters.removeFirst()
            }
            next?.resume()
        }
        try await body()
    }
}
