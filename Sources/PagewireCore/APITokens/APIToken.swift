import Foundation

/// A personal API token's record (never the token itself, which is shown once at creation).
public struct APIToken: Sendable, Equatable {
    /// The token's id, shown in listings and used to revoke it.
    public let id: Int64
    /// The user the token acts as.
    public let userID: Int64
    /// What the user called it ("billing export", "EHR integration").
    public var name: String
    /// The first characters of the token, enough to recognise it in a listing.
    public var prefix: String
    /// When it was created.
    public var createdAt: Date
    /// When it stops working, if ever.
    public var expiresAt: Date?
    /// When it was last used (updated at most once a minute).
    public var lastUsedAt: Date?
    /// When it was revoked; a revoked token never authenticates again.
    public var revokedAt: Date?

    init(row: SQLRow) throws(DatabaseError) {
        id = try row.get("id")
        userID = try row.get("user_id")
        name = try row.get("name")
        prefix = try row.get("token_prefix")
        createdAt = try row.get("created_at")
        expiresAt = try row.optional("expires_at")
        lastUsedAt = try row.optional("last_used_at")
        revokedAt = try row.optional("revoked_at")
    }

    static let columns = "id, user_id, name, token_prefix, created_at, expires_at, last_used_at, revoked_at"
}

/// A token just created: its record and the secret, which exists only in this value.
public struct IssuedAPIToken: Sendable {
    /// The stored record.
    public let token: APIToken
    /// The bearer secret (`pwt_…`); show it once, it cannot be recovered.
    public let secret: String
}

/// Who an authenticated API request acts as.
public struct APIPrincipal: Sendable, Equatable {
    /// The token that authenticated the request.
    public let tokenID: Int64
    /// The user the token belongs to.
    public let userID: Int64
    /// The user's own account node (company or department).
    public let accountID: Int64
    /// The company the user belongs to; nil for platform and reseller staff.
    public let companyID: Int64?
    /// What the caller may see: the user's account subtree, widened to the highest node the
    /// user administers.
    public let scope: AccountScope
    /// The OAuth scopes of an app's access token (`fax.send`, …); nil for personal tokens, which
    /// may do whatever their user may.
    public var oauthScopes: Set<String>? = nil
    /// The API app whose token authenticated the request, if any (`tokenID` is 0 then).
    public var appID: Int64? = nil

    /// Whether the credentials allow `scope` (personal tokens allow every scope).
    public func allows(scope: String) -> Bool { oauthScopes?.contains(scope) ?? true }
}

/// Why a token could not be created, found or used.
public enum APITokenError: Error, Equatable, CustomStringConvertible {
    /// The name is empty or longer than 100 characters.
    case invalidName
    /// No token with that id belongs to the caller.
    case notFound

    public var description: String {
        switch self {
        case .invalidName: "a token name needs 1 to 100 characters"
        case .notFound: "no such API token"
        }
    }
}
