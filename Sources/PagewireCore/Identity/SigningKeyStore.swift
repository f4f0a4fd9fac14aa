import Crypto
import Foundation
import JWTKit
import Synchronization

/// The platform's rotating token signing keys in `signing_keys`.
///
/// Private keys are sealed with the vault's transit key (AES-256-GCM bound to the key id), so a
/// database dump alone cannot sign tokens. The newest unretired key signs; `rotate` adds a key and
/// retires the others, which stay in the JWKS until every token they signed has expired. Each
/// process caches the keys and re-reads the table when it meets an unknown `kid`, at most once per
/// `reloadInterval`, and otherwise every `refreshInterval` (to see a rotation by another process).
public final class SigningKeyStore: Sendable {
    let database: Database
    let transit: TransitKeyring
    /// Least time between two reloads caused by unknown key ids.
    let reloadInterval: TimeInterval
    /// How long the cached current key is trusted before the table is read again.
    let refreshInterval: TimeInterval

    struct Cache: Sendable {
        var published: [String: SigningKey] = [:]
        var signer: (kid: String, key: P256.Signing.PrivateKey)?
        var loadedAt: Date = .distantPast
        /// The latest token expiry this process wrote per key (rounded up to a minute).
        var recordedExpiry: [String: Date] = [:]
    }
    /// Verifiers accept a token this long after its `exp` (AccessTokenVerifier's skew), so its key stays published that much longer.
    public static let verifierSkew: TimeInterval = 60
    private let cache = Mutex(Cache())

    /// A store over `database`, sealing private keys with `transit`.
    public init(database: Database, transit: TransitKeyring, reloadInterval: TimeInterval = 5, refreshInterval: TimeInterval = 60) {
        self.database = database
        self.transit = transit
        self.reloadInterval = reloadInterval
        self.refreshInterval = refreshInterval
    }

    /// The key that signs now, creating the first one when there is none.
    public func currentSigner(now: Date = Date()) async throws -> (kid: String, key: P256.Signing.PrivateKey) {
        if let signer = cache.withLock({ c in now.timeIntervalSince(c.loadedAt) < refreshInterval ? c.signer : nil }) {
            return signer
        }
        try await reload(now: now)
        if let signer = cache.withLock({ $0.signer }) { return signer }
        _ = try await rotate(now: now)
        guard let signer = cache.withLock({ $0.signer }) else { throw SigningKeyError.noSigningKey }
        return signer
    }

    /// The published key with id `kid`, re-reading the table (rate-limited) when it is unknown.
    public func publicKey(kid: String, now: Date = Date()) async throws -> SigningKey? {
        let (found, stale) = cache.withLock { c in (c.published[kid], now.timeIntervalSince(c.loadedAt) >= reloadInterval) }
        if let found, found.isPublished(at: now) { return found }
        // Unknown here, or retired by what this process last read (another process may have
        // signed with it since): read the table again, at most once per reload interval.
        guard stale, kid.utf8.count <= 64 else { return nil }
        try await reload(now: now)
        return cache.withLock { $0.published[kid] }.flatMap { key in key.isPublished(at: now) ? key : nil }
    }

    /// The keys a verifier needs now: the current one and retired ones still inside their tokens' lifetime.
    public func published(now: Date = Date()) async throws -> [SigningKey] {
        try await database.withConnection { c in
            try c.query(
                """
                SELECT kid, public_x, public_y, retired_at, publish_until, tokens_expire_by FROM signing_keys
                WHERE \(Self.publishedCondition) ORDER BY id DESC
                """, now, now.addingTimeInterval(-Self.verifierSkew)
            ).map { try Self.publicKey(row: $0) }
        }
    }

    /// The JWKS document (`/.well-known/jwks.json`).
    public func jwksJSON(now: Date = Date()) async throws -> [UInt8] {
        let keys = try await published(now: now).map(\.jwk)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(["keys": keys]))
    }

    /// Adds a new signing key that signs from now on; earlier keys are retired. A retired key stays
    /// published while processes may still sign with their cached copy (`refreshInterval` plus the
    /// verifiers' skew) and until every token it signed has expired (`tokens_expire_by` plus the skew).
    @discardableResult
    public func rotate(now: Date = Date()) async throws -> String {
        let key = P256.Signing.PrivateKey()
        let kid = "pw-" + APITokenRepository.randomBase62(count: 16)
        let (transitID, transitKey) = transit.current
        let sealed = try AES.GCM.seal(key.rawRepresentation, using: transitKey, authenticating: Self.aad(kid: kid)).combined!
        let raw = Array(key.publicKey.x963Representation)
        let grace = refreshInterval + Self.verifierSkew
        try await database.transaction { c in
            try c.execute("UPDATE signing_keys SET retired_at = ?, publish_until = ? WHERE retired_at IS NULL",
                          now, now.addingTimeInterval(grace))
            try c.execute(
                """
                INSERT INTO signing_keys (kid, algorithm, public_x, public_y, private_sealed, transit_key_id, created_at)
                VALUES (?, 'ES256', ?, ?, ?, ?, ?)
                """,
                kid, SigningKey.base64URL(raw[1..<33]), SigningKey.base64URL(raw[33..<65]), Array(sealed), transitID, now)
        }
        try await reload(now: now)
        return kid
    }

    /// Re-reads every published key and the current signer.
    func reload(now: Date) async throws {
        let transit = self.transit
        let (published, signer) = try await database.withConnection { c -> ([String: SigningKey], (String, [UInt8], String)?) in
            var published: [String: SigningKey] = [:]
            for row in try c.query(
                "SELECT kid, public_x, public_y, retired_at, publish_until, tokens_expire_by FROM signing_keys WHERE \(Self.publishedCondition)",
                now, now.addingTimeInterval(-Self.verifierSkew)) {
                let key = try Self.publicKey(row: row)
                published[key.kid] = key
            }
            let current = try c.query(
                "SELECT kid, private_sealed, transit_key_id FROM signing_keys WHERE retired_at IS NULL ORDER BY id DESC LIMIT 1"
            ).first.map { (try $0.get("kid", as: String.self), try $0.get("private_sealed", as: [UInt8].self), try $0.get("transit_key_id", as: String.self)) }
            return (published, current)
        }
        var unsealed: (String, P256.Signing.PrivateKey)?
        if let (kid, sealed, transitID) = signer {
            do {
                let box = try AES.GCM.SealedBox(combined: sealed)
                let raw = try AES.GCM.open(box, using: try transit.key(id: transitID), authenticating: Self.aad(kid: kid))
                unsealed = (kid, try P256.Signing.PrivateKey(rawRepresentation: raw))
            } catch {
                throw SigningKeyError.unsealFailed(kid: kid)
            }
        }
        cache.withLock { c in
            c.published = published
            c.signer = unsealed.map { (kid: $0.0, key: $0.1) }
            c.loadedAt = now
        }
    }

    /// Rows still in the JWKS: the current key, retired keys inside their grace, and retired keys
    /// with a token not yet expired. Bound: now, now minus the verifiers' skew.
    static let publishedCondition = "(retired_at IS NULL OR \(retiredPublishedCondition))"
    static let retiredPublishedCondition = "(COALESCE(publish_until, '1970-01-01') > ? OR COALESCE(tokens_expire_by, '1970-01-01') > ?)"

    /// Notes that key `kid` signed a token valid until `expiresAt`, so the key stays published
    /// until then. Rounded up to a minute, so a busy issuer writes about once a minute per key.
    public func noteSigned(kid: String, expiresAt: Date) async throws {
        let rounded = Date(timeIntervalSince1970: (expiresAt.timeIntervalSince1970 / 60).rounded(.up) * 60)
        if let recorded = cache.withLock({ $0.recordedExpiry[kid] }), recorded >= rounded { return }
        try await database.execute(
            "UPDATE signing_keys SET tokens_expire_by = GREATEST(COALESCE(tokens_expire_by, ?), ?) WHERE kid = ?", rounded, rounded, kid)
        cache.withLock { c in
            if c.recordedExpiry.count > 64 { c.recordedExpiry.removeAll() }
            c.recordedExpiry[kid] = max(c.recordedExpiry[kid] ?? .distantPast, rounded)
        }
    }

    /// The scheduled rotation: a new key when the current one is `interval` old (or there is none),
    /// and retired keys removed once every token they signed has expired.
    public func rotateIfDue(interval: TimeInterval, now: Date = Date()) async throws -> (rotated: String?, removed: [String]) {
        let removed = try await removeExpired(now: now)
        var rotated: String?
        if let created = try await currentKeyCreatedAt() {
            if now.timeIntervalSince(created) >= interval { rotated = try await rotate(now: now) }
        } else {
            rotated = try await rotate(now: now)
        }
        return (rotated, removed)
    }

    /// The current key's creation time, nil when there is none.
    public func currentKeyCreatedAt() async throws -> Date? {
        try await database.query("SELECT created_at FROM signing_keys WHERE retired_at IS NULL ORDER BY id DESC LIMIT 1").first?.get("created_at")
    }

    /// Deletes retired keys that are no longer published (every token they signed has expired);
    /// returns their ids.
    @discardableResult
    public func removeExpired(now: Date = Date()) async throws -> [String] {
        try await database.transaction { c in
            let expired = try c.query(
                """
                SELECT kid FROM signing_keys WHERE retired_at IS NOT NULL AND NOT \(Self.retiredPublishedCondition) FOR UPDATE
                """, now, now.addingTimeInterval(-Self.verifierSkew)
            ).map { try $0.get("kid", as: String.self) }
            for kid in expired { try c.execute("DELETE FROM signing_keys WHERE kid = ?", kid) }
            return expired
        }
    }

    static func aad(kid: String) -> [UInt8] { Array("pagewire.signing_key.v1:\(kid)".utf8) }

    static func publicKey(row: SQLRow) throws -> SigningKey {
        let kid: String = try row.get("kid")
        guard let x = SigningKey.fromBase64URL(try row.get("public_x")), let y = SigningKey.fromBase64URL(try row.get("public_y")),
              x.count == 32, y.count == 32 else { throw SigningKeyError.badPublicKey(kid: kid) }
        return SigningKey(
            kid: kid, publicKey: try P256.Signing.PublicKey(x963Representation: [0x04] + x + y),
            retiredAt: try row.optional("retired_at"), publishUntil: try row.optional("publish_until"),
            tokensExpireBy: try row.optional("tokens_expire_by"))
    }
}

/// Why the signing keys could not be used.
public enum SigningKeyError: Error, Equatable, CustomStringConvertible {
    case noSigningKey
    case unsealFailed(kid: String)
    case badPublicKey(kid: String)

    public var description: String {
        switch self {
        case .noSigningKey: "no token signing key"
        case .unsealFailed(let kid): "signing key \(kid) cannot be unsealed with the transit keys of this process"
        case .badPublicKey(let kid): "signing key \(kid) has an invalid public key"
        }
    }
}
