import Foundation
import JWTKit

/// What a verified access token stands for.
public struct VerifiedAccess: Sendable, Equatable {
    /// The app the token belongs to.
    public let app: APIApp
    /// The scopes it grants (never more than the app's resources grant now).
    public let scopes: Set<String>
    /// Whether it came from the app's external issuer rather than the platform.
    public let external: Bool
    /// The token's `exp`.
    public var expiresAt: Date? = nil
}

/// Verifies bearer JWTs: the platform's own access tokens and, for apps registered with an
/// external issuer, that issuer's tokens.
///
/// Before any key is touched the header must name an algorithm allowed for the issuer (ES256 for
/// the platform; RS256/ES256 family for external issuers, matching the key's type) and a known
/// `kid`; then the signature, `iss`, `aud`, `exp`, `nbf` and `iat` (with `skew`) are checked, and the
/// token must still match a registered app and its acting user. Every refusal goes to the audit log.
public struct AccessTokenVerifier: Sendable {
    /// The platform issuer and its keys.
    public let issuer: String
    let keys: SigningKeyStore
    let apps: APIAppRepository
    let external: ExternalIssuerKeys?
    let audit: AuditLog
    /// Allowed clock difference for `exp`, `nbf` and `iat`.
    public let skew: TimeInterval

    /// Tokens longer than this are refused unparsed.
    static let maxTokenBytes = 8192

    /// A verifier of the platform's tokens (and of external issuers' when `external` is given).
    public init(issuer: String, keys: SigningKeyStore, database: Database, external: ExternalIssuerKeys? = nil, skew: TimeInterval = 60) {
        self.issuer = issuer
        self.keys = keys
        self.apps = APIAppRepository(database: database)
        self.external = external
        self.audit = AuditLog(database: database)
        self.skew = skew
    }

    /// Whether `token` looks like a JWT (three base64url parts) rather than a personal token.
    public static func looksLikeJWT(_ token: String) -> Bool {
        // Runs on every request: count the dots without allocating.
        var dots = 0
        var bytes = 0
        for byte in token.utf8 {
            bytes += 1
            if byte == UInt8(ascii: ".") { dots += 1 }
        }
        return bytes <= maxTokenBytes && dots == 2
    }

    /// Verifies `token`; a refusal is recorded in the audit log (with `ip`) and thrown.
    public func verify(_ token: String, ip: String? = nil, now: Date = Date()) async throws -> VerifiedAccess {
        do {
            return try await check(token, now: now)
        } catch {
            try? await record(error, ip: ip, now: now)
            throw error.reason
        }
    }

    /// A refusal with the app it concerned, when the token's signature proved which one.
    struct Failure: Error {
        var reason: TokenRejection
        var app: APIApp?
    }

    func check(_ token: String, now: Date) async throws(Failure) -> VerifiedAccess {
        guard token.utf8.count <= Self.maxTokenBytes else { throw Failure(reason: .malformed) }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let headerBytes = SigningKey.fromBase64URL(String(parts[0])),
              let header = try? JSONDecoder().decode(TokenHeader.self, from: Data(headerBytes)),
              let payloadBytes = SigningKey.fromBase64URL(String(parts[1])),
              let unverified = try? JSONDecoder().decode(AccessTokenClaims.self, from: Data(payloadBytes))
        else { throw Failure(reason: .malformed) }
        guard header.crit == nil else { throw Failure(reason: .malformed) }
        guard let alg = header.alg else { throw Failure(reason: .algorithmNotAllowed("")) }
        guard let iss = unverified.iss else { throw Failure(reason: .missingClaim("iss")) }
        if iss == issuer {
            return try await checkPlatform(token, alg: alg, kid: header.kid, now: now)
        }
        guard let external else { throw Failure(reason: .unknownIssuer) }
        let candidates: [APIApp]
        do { candidates = try await apps.find(externalIssuer: iss) } catch { throw Failure(reason: .keysUnavailable) }
        guard !candidates.isEmpty else { throw Failure(reason: .unknownIssuer) }
        let claims = try await external.verify(token, issuer: iss, metadataURL: candidates[0].metadataURL ?? "", alg: alg, kid: header.kid, now: now)
        try checkTimes(claims, now: now)
        let audiences = claims.aud?.value ?? []
        // An issuer may serve several tenants: the audience says which app the token is for.
        guard let app = candidates.first(where: { app in app.audience.map(audiences.contains) ?? false }) else {
            throw Failure(reason: .wrongAudience)
        }
        try await requireActive(app)
        return VerifiedAccess(app: app, scopes: Set(app.scopes), external: true, expiresAt: claims.exp.map(Date.init(timeIntervalSince1970:)))
    }

    func checkPlatform(_ token: String, alg: String, kid: String?, now: Date) async throws(Failure) -> VerifiedAccess {
        guard alg == "ES256" else { throw Failure(reason: .algorithmNotAllowed(alg)) }
        guard let kid else { throw Failure(reason: .unknownKey) }
        let key: SigningKey?
        do { key = try await keys.publicKey(kid: kid, now: now) } catch { throw Failure(reason: .keysUnavailable) }
        guard let key else { throw Failure(reason: .unknownKey) }
        let claims: AccessTokenClaims
        do {
            let collection = JWTKeyCollection()
            await collection.add(ecdsa: try ES256PublicKey(backing: key.publicKey), kid: JWKIdentifier(string: kid))
            claims = try await collection.verify(token, as: AccessTokenClaims.self)
        } catch {
            throw Failure(reason: .badSignature)
        }
        guard claims.iss == issuer else { throw Failure(reason: .unknownIssuer) }
        guard let clientID = claims.clientID else { throw Failure(reason: .missingClaim("client_id")) }
        let app: APIApp?
        do { app = try await apps.find(clientID: clientID) } catch { throw Failure(reason: .keysUnavailable) }
        guard let app else { throw Failure(reason: .unknownApp) }
        do throws(Failure) {
            try checkTimes(claims, now: now)
            guard claims.aud?.value.contains(AccessTokenIssuer.audience(issuer: issuer)) ?? false else {
                throw Failure(reason: .wrongAudience)
            }
            guard claims.sub == String(app.actingUserID) else { throw Failure(reason: .subjectMismatch) }
        } catch {
            var failure = error
            failure.app = app
            throw failure
        }
        try await requireActive(app)
        let granted = Set((claims.scope ?? "").split(separator: " ").map(String.init)).intersection(app.scopes)
        return VerifiedAccess(app: app, scopes: granted, external: false, expiresAt: claims.exp.map(Date.init(timeIntervalSince1970:)))
    }

    func checkTimes(_ claims: AccessTokenClaims, now: Date) throws(Failure) {
        let t = now.timeIntervalSince1970
        guard let exp = claims.exp else { throw Failure(reason: .missingClaim("exp")) }
        guard t < exp + skew else { throw Failure(reason: .expired) }
        if let nbf = claims.nbf, t + skew < nbf { throw Failure(reason: .notYetValid) }
        guard let iat = claims.iat else { throw Failure(reason: .missingClaim("iat")) }
        guard iat <= t + skew else { throw Failure(reason: .issuedInFuture) }
    }

    func requireActive(_ app: APIApp) async throws(Failure) {
        let rows: [SQLRow]
        do { rows = try await apps.database.query("SELECT status FROM users WHERE id = ?", app.actingUserID) } catch {
            throw Failure(reason: .keysUnavailable, app: app)
        }
        guard let status: String = try? rows.first?.get("status"), status == User.Status.active.rawValue else {
            throw Failure(reason: .inactiveUser, app: app)
        }
    }

    /// One audit row per refusal: under the app's company when the signature proved the app,
    /// otherwise under the platform root (claims of an unverified token name nobody).
    func record(_ failure: Failure, ip: String?, now: Date) async throws {
        let accountID: Int64
        if let app = failure.app {
            accountID = app.companyID
        } else {
            guard let root: Int64 = try await apps.database.query("SELECT id FROM accounts WHERE parent_id IS NULL ORDER BY id LIMIT 1").first?.get("id") else { return }
            accountID = root
        }
        try await audit.record(
            accountID: accountID, actor: AuditActor(kind: .apiApp, label: failure.app?.clientID ?? "unknown client", ip: ip),
            action: .tokenRefused, targetType: "api_app", targetID: failure.app.map { String($0.id) } ?? "",
            detail: "bearer token refused: \(failure.reason)", at: now)
    }
}
