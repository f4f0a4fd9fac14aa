import Foundation
import JWTKit

/// Issues the platform's JWT access tokens (ES256, `kid` in the header, RFC 9068 claims).
public struct AccessTokenIssuer: Sendable {
    /// The `iss` of every token (`oauth.issuer`).
    public let issuer: String
    /// The `aud` of every token: the `/v1` API.
    public var audience: String { Self.audience(issuer: issuer) }
    let keys: SigningKeyStore

    /// An issuer signing with `keys`.
    public init(issuer: String, keys: SigningKeyStore) {
        self.issuer = issuer
        self.keys = keys
    }

    /// The audience of tokens for the API of `issuer`.
    public static func audience(issuer: String) -> String { issuer + "/v1" }

    /// A signed access token for `app`, carrying `scopes` (a subset of the app's), and its lifetime in seconds.
    public func issue(app: APIApp, scopes: [String], now: Date = Date()) async throws -> (token: String, expiresIn: Int) {
        let signer = try await keys.currentSigner(now: now)
        let issuedAt = now.timeIntervalSince1970.rounded(.down)
        let claims = AccessTokenClaims(
            iss: issuer, sub: String(app.actingUserID), aud: AudienceClaim(value: [audience]),
            exp: issuedAt + Double(app.accessTokenSeconds), nbf: issuedAt, iat: issuedAt,
            jti: APITokenRepository.randomBase62(count: 22), scope: scopes.joined(separator: " "), clientID: app.clientID)
        let collection = JWTKeyCollection()
        await collection.add(ecdsa: try ES256PrivateKey(backing: signer.key), kid: JWKIdentifier(string: signer.kid))
        var header = JWTHeader()
        header.typ = "at+jwt"
        let token = try await collection.sign(claims, kid: JWKIdentifier(string: signer.kid), header: header)
        // The key stays in the JWKS until this token has expired, even after a rotation.
        try await keys.noteSigned(kid: signer.kid, expiresAt: Date(timeIntervalSince1970: issuedAt + Double(app.accessTokenSeconds)))
        return (token, app.accessTokenSeconds)
    }
}
