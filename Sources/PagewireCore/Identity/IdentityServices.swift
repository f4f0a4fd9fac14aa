import Foundation

/// The identity pieces a web process shares: app registrations, the signing keys (one cache per
/// process), the token issuer and verifier, and the external issuers' key cache.
public struct IdentityServices: Sendable {
    /// App registrations, secrets and refresh tokens.
    public let apps: APIAppRepository
    /// The platform's signing keys.
    public let keys: SigningKeyStore
    /// Issues access tokens.
    public let issuer: AccessTokenIssuer
    /// Verifies bearer JWTs (platform and external issuers).
    public let verifier: AccessTokenVerifier
    /// Maps verified tokens to principals.
    public let principals: AppPrincipals
    /// External issuers' keys.
    public let externalKeys: ExternalIssuerKeys
    /// Recently verified tokens of this process.
    public let verifiedTokens: VerifiedTokenCache

    /// The services over `database`, sealing signing keys with `transit`, issuing as `issuer`.
    public init(database: Database, transit: TransitKeyring, issuer: String, externalKeys: ExternalIssuerKeys = ExternalIssuerKeys(),
                verifiedTokens: VerifiedTokenCache = VerifiedTokenCache()) {
        apps = APIAppRepository(database: database)
        keys = SigningKeyStore(database: database, transit: transit)
        self.issuer = AccessTokenIssuer(issuer: issuer, keys: keys)
        verifier = AccessTokenVerifier(issuer: issuer, keys: keys, database: database, external: externalKeys)
        principals = AppPrincipals(database: database)
        self.externalKeys = externalKeys
        self.verifiedTokens = verifiedTokens
    }

    /// The services for a web process with `configuration` and `vault`.
    public init(configuration: Configuration, database: Database, vault: Vault) {
        self.init(database: database, transit: vault.documents.transit, issuer: configuration.oauthIssuer,
                  externalKeys: ExternalIssuerKeys(minRefreshInterval: TimeInterval(configuration.oauthExternalKeysMinRefreshSeconds)),
                  verifiedTokens: VerifiedTokenCache(ttl: TimeInterval(configuration.oauthVerifiedTokenCacheSeconds)))
    }
}
