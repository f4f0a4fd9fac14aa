import Crypto
import Foundation

/// Who a company's provider says signed in.
public struct OIDCIdentity: Sendable, Equatable {
    public let companyID: Int64
    public let subject: String
    public let email: String
    public let name: String
    public let groups: [String]
    /// The ID token itself: the `id_token_hint` of an RP-initiated logout later.
    public let idToken: String
}

/// Why single sign-on failed (shown to the person as a generic refusal; details go to the log).
public enum OIDCSignInError: Error, Equatable, CustomStringConvertible {
    case providerUnavailable
    case unknownState
    case tokenExchangeFailed(Int)
    case tokenRefused(TokenRejection)
    case nonceMismatch
    case missingEmail
    case emailOutsideDomains
    case noSuchUser
    case userLocked

    public var description: String {
        switch self {
        case .providerUnavailable: "the identity provider could not be reached"
        case .unknownState: "the sign-in request is unknown, used or expired"
        case .tokenExchangeFailed(let status): "the provider refused the code (\(status))"
        case .tokenRefused(let reason): "the ID token was refused: \(reason)"
        case .nonceMismatch: "the ID token does not answer this sign-in request"
        case .missingEmail: "the ID token carries no e-mail address"
        case .emailOutsideDomains: "the e-mail address is not in the company's domains"
        case .noSuchUser: "no such user, and just-in-time creation is off"
        case .userLocked: "the user is locked"
        }
    }
}

/// The authorization code flow with PKCE (S256), state and nonce against a company's provider,
/// and just-in-time provisioning of the user it names.
public struct OIDCSignIn: Sendable {
    let database: Database
    let connections: OIDCConnectionRepository
    let keys: ExternalIssuerKeys
    /// How long an authorization request may take.
    public static let requestLifetime: TimeInterval = 600

    /// Sign-in over `database`, with the connections' secrets and the providers' key cache.
    public init(database: Database, connections: OIDCConnectionRepository, keys: ExternalIssuerKeys) {
        self.database = database
        self.connections = connections
        self.keys = keys
    }

    static func metadataURL(_ connection: OIDCConnection) -> String { OIDCProviderMetadata.discoveryURL(issuer: connection.issuer) }

    func discover(_ connection: OIDCConnection) async throws -> OIDCProviderMetadata {
        do {
            return try await OIDCProviderMetadata.fetch(issuer: connection.issuer)
        } catch {
            throw OIDCSignInError.providerUnavailable
        }
    }

    /// The provider's authorization URL for a new sign-in; the state, nonce and PKCE verifier are
    /// kept in `oidc_login_states` for the callback.
    public func begin(_ connection: OIDCConnection, redirectURI: String, loginHint: String? = nil, now: Date = Date()) async throws -> String {
        let discovery = try await discover(connection)
        let state = APITokenRepository.randomBase62(count: 32)
        let nonce = APITokenRepository.randomBase62(count: 32)
        let verifier = APITokenRepository.randomBase62(count: 64)
        let challenge = SigningKey.base64URL(SHA256.hash(data: Array(verifier.utf8)))
        try await database.execute("DELETE FROM oidc_login_states WHERE expires_at < ?", now)
        try await database.execute(
            """
            INSERT INTO oidc_login_states (state_hash, company_id, nonce, code_verifier, redirect_uri, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            APITokenRepository.digest(state), connection.companyID, nonce, verifier, redirectURI, now, now.addingTimeInterval(Self.requestLifetime))
        var components = URLComponents(string: discovery.authorizationEndpoint)
        var items = components?.queryItems ?? []
        items += [
            URLQueryItem(name: "response_type", value: "code"), URLQueryItem(name: "client_id", value: connection.clientID),
            URLQueryItem(name: "redirect_uri", value: redirectURI), URLQueryItem(name: "scope", value: connection.scopes.joined(separator: " ")),
            URLQueryItem(name: "state", value: state), URLQueryItem(name: "nonce", value: nonce),
            URLQueryItem(name: "code_challenge", value: challenge), URLQueryItem(name: "code_challenge_method", value: "S256"),
        ]
        if let loginHint { items.append(URLQueryItem(name: "login_hint", value: loginHint)) }
        components?.queryItems = items
        guard let url = components?.url?.absoluteString else { throw OIDCSignInError.providerUnavailable }
        return url
    }

    /// Completes a sign-in: the state is used up, the code exchanged with the PKCE verifier, the ID
    /// token verified (signature by the provider's JWKS, issuer, audience, times, nonce).
    public func complete(state: String, code: String, now: Date = Date()) async throws -> OIDCIdentity {
        guard state.utf8.count <= 64, code.utf8.count <= 2048 else { throw OIDCSignInError.unknownState }
        let digest = APITokenRepository.digest(state)
        let pending = try await database.transaction { c -> (Int64, String, String, String)? in
            guard let row = try c.query(
                "SELECT company_id, nonce, code_verifier, redirect_uri, expires_at FROM oidc_login_states WHERE state_hash = ? FOR UPDATE", digest
            ).first else { return nil }
            try c.execute("DELETE FROM oidc_login_states WHERE state_hash = ?", digest)
            guard try row.get("expires_at", as: Date.self) > now else { return nil }
            return (try row.get("company_id"), try row.get("nonce"), try row.get("code_verifier"), try row.get("redirect_uri"))
        }
        guard let (companyID, nonce, verifier, redirectURI) = pending,
              let connection = try await connections.get(companyID: companyID, scope: AccountScope(rootID: companyID, path: "/")),
              connection.enabled else { throw OIDCSignInError.unknownState }
        let discovery = try await discover(connection)
        let secret = try await connections.clientSecret(companyID: companyID)
        func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
        let form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI), ("client_id", connection.clientID),
                    ("client_secret", secret), ("code_verifier", verifier)].map { "\($0.0)=\(escape($0.1))" }.joined(separator: "&")
        let answer: Curl.HTTPResponse
        do {
            answer = try await Curl.post(url: discovery.tokenEndpoint, headers: ["Content-Type: application/x-www-form-urlencoded", "Accept: application/json"],
                                         body: Array(form.utf8))
        } catch {
            throw OIDCSignInError.providerUnavailable
        }
        guard answer.status == 200,
              let object = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any],
              let idToken = object["id_token"] as? String else { throw OIDCSignInError.tokenExchangeFailed(answer.status) }
        // The same checks as for API tokens of an external issuer, with the client id as audience.
        let parts = idToken.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = SigningKey.fromBase64URL(String(parts[0])),
              let header = try? JSONDecoder().decode(TokenHeader.self, from: Data(headerBytes)), let alg = header.alg else {
            throw OIDCSignInError.tokenRefused(.malformed)
        }
        let claims: AccessTokenClaims
        do {
            claims = try await keys.verify(idToken, issuer: connection.issuer, metadataURL: Self.metadataURL(connection), alg: alg, kid: header.kid, now: now)
        } catch {
            throw OIDCSignInError.tokenRefused(error.reason)
        }
        let t = now.timeIntervalSince1970
        guard let exp = claims.exp, t < exp + 60 else { throw OIDCSignInError.tokenRefused(.expired) }
        if let nbf = claims.nbf, t + 60 < nbf { throw OIDCSignInError.tokenRefused(.notYetValid) }
        guard let iat = claims.iat, iat <= t + 60 else { throw OIDCSignInError.tokenRefused(.issuedInFuture) }
        guard claims.aud?.value.contains(connection.clientID) ?? false else { throw OIDCSignInError.tokenRefused(.wrongAudience) }
        guard claims.nonce == nonce else { throw OIDCSignInError.nonceMismatch }
        // Profile claims, named as the connection says.
        let payload = (SigningKey.fromBase64URL(String(parts[1])).flatMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }) ?? [:]
        guard let email = (payload[connection.emailClaim] as? String)?.lowercased(), email.contains("@") else { throw OIDCSignInError.missingEmail }
        let domain = String(email[email.index(after: email.lastIndex(of: "@")!)...])
        guard connection.emailDomains.contains(domain) else { throw OIDCSignInError.emailOutsideDomains }
        return OIDCIdentity(companyID: companyID, subject: claims.sub ?? "", email: email, name: payload[connection.nameClaim] as? String ?? "",
                            groups: payload[connection.groupsClaim] as? [String] ?? [], idToken: idToken)
    }

    /// The user `identity` names in its company, created (in the department its first mapped
    /// group names, else at the company) when just-in-time creation is on.
    public func provision(_ identity: OIDCIdentity, users: UserRepository, now: Date = Date()) async throws -> User {
        guard let company = try await AccountRepository(database: database).get(identity.companyID, scope: AccountScope(rootID: identity.companyID, path: "/")),
              let connection = try await connections.get(companyID: identity.companyID, scope: company.scope) else { throw OIDCSignInError.unknownState }
        if let user = try await users.find(login: identity.email, scope: company.scope) {
            guard user.status == .active else { throw OIDCSignInError.userLocked }
            return user
        }
        guard connection.justInTimeUsers else { throw OIDCSignInError.noSuchUser }
        let accountID = identity.groups.lazy.compactMap { connection.groupDepartments[$0] }.first ?? company.id
        let user = try await users.create(accountID: accountID, email: identity.email, displayName: identity.name, password: nil, scope: company.scope)
        // Administrator rights of the person's groups, granted where they were created.
        let rights = Set(identity.groups.flatMap { connection.groupRights[$0] ?? [] })
        if !rights.isEmpty {
            try await users.grant(userID: user.id, accountID: accountID, rights: rights, scope: company.scope)
            try await AuditLog(database: database).record(
                accountID: accountID, actor: .system("single sign-on"), action: .adminChange, targetType: "user", targetID: String(user.id),
                detail: "rights from IdP groups: " + rights.map(\.rawValue).sorted().joined(separator: ", "), at: now)
        }
        return user
    }
}
