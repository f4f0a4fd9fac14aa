import Foundation

/// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): a portal session started by a
/// company's provider remembers its ID token (`oidc_sessions`, removed with the session), so that
/// signing out of the portal also ends the provider's session when the provider publishes an
/// `end_session_endpoint`.
public struct OIDCSignOut: Sendable {
    let database: Database

    /// Sign-out over `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Remembers that the portal session of cookie token `sessionToken` was started by the
    /// provider of `companyID`, which issued `idToken`.
    public func remember(sessionToken: String, companyID: Int64, idToken: String, now: Date = Date()) async throws {
        // An ID token larger than this is no hint worth sending back in a URL.
        guard idToken.utf8.count <= 8192 else { return }
        try await database.execute(
            "INSERT INTO oidc_sessions (session_hash, company_id, id_token, created_at) VALUES (?, ?, ?, ?)",
            SessionToken.hash(sessionToken), companyID, idToken, now)
    }

    /// The provider's end-session URL for the portal session `sessionToken` (with `id_token_hint`,
    /// `post_logout_redirect_uri`, `client_id` and `state`), or nil when the session was not a
    /// single sign-on, the connection is gone, or the provider offers no end-session endpoint.
    /// Call it before the session row is deleted.
    public func endSessionURL(sessionToken: String, postLogoutRedirectURI: String) async throws -> String? {
        guard sessionToken.count == 43 else { return nil }
        guard let row = try await database.query(
            """
            SELECT s.id_token, c.issuer, c.client_id FROM oidc_sessions s JOIN oidc_connections c ON c.company_id = s.company_id
            WHERE s.session_hash = ?
            """, SessionToken.hash(sessionToken)).first else { return nil }
        let issuer: String = try row.get("issuer")
        guard let metadata = try? await OIDCProviderMetadata.fetch(issuer: issuer), let endpoint = metadata.endSessionEndpoint,
              var components = URLComponents(string: endpoint) else { return nil }
        var items = components.queryItems ?? []
        items += [
            URLQueryItem(name: "id_token_hint", value: try row.get("id_token", as: String.self)),
            URLQueryItem(name: "post_logout_redirect_uri", value: postLogoutRedirectURI),
            URLQueryItem(name: "client_id", value: try row.get("client_id", as: String.self)),
            URLQueryItem(name: "state", value: APITokenRepository.randomBase62(count: 16)),
        ]
        components.queryItems = items
        return components.url?.absoluteString
    }
}
