import Foundation

/// The API resources of the Concord guide's Apps tab, each granting OAuth scopes.
///
/// | resource | for | scopes |
/// |---|---|---|
/// | `faxws` (Fax Web Services) | users | `fax.send fax.read` |
/// | `iws` (Inbound Web Services) | users | `inbound.read` |
/// | `amws` (Account Management Web Services) | administrators | `accounts.manage reports.read` |
public enum APIResource: String, Sendable, Codable, CaseIterable, Comparable {
    case faxWS = "faxws"
    case inboundWS = "iws"
    case accountManagementWS = "amws"

    /// The scopes an access token for this resource carries.
    public var scopes: [String] {
        switch self {
        case .faxWS: ["fax.send", "fax.read"]
        case .inboundWS: ["inbound.read"]
        case .accountManagementWS: ["accounts.manage", "reports.read"]
        }
    }

    /// Whether the acting account must be an administrator (AMWS) rather than any user.
    public var needsAdministrator: Bool { self == .accountManagementWS }

    /// The name the guide uses.
    public var title: String {
        switch self {
        case .faxWS: "Fax Web Services (FaxWS)"
        case .inboundWS: "Inbound Web Services (IWS)"
        case .accountManagementWS: "Account Management Web Services (AMWS)"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Every scope any resource grants.
    public static let allScopes = Set(allCases.flatMap(\.scopes))
}

/// A registered API app: an OAuth2 client of one company that acts as one of its users.
public struct APIApp: Sendable, Equatable {
    /// The app's id.
    public let id: Int64
    /// The company that registered it.
    public let companyID: Int64
    /// The public OAuth client id (`pwc_…`).
    public let clientID: String
    /// What the company called it.
    public var name: String
    /// A free description.
    public var description: String
    /// The user or administrator the app acts as.
    public var actingUserID: Int64
    /// The resources it may use.
    public var resources: Set<APIResource>
    /// Lifetime of the access tokens it gets.
    public var accessTokenSeconds: Int
    /// Whether the token endpoint also hands out refresh tokens.
    public var refreshTokens: Bool
    /// Lifetime of those refresh tokens.
    public var refreshTokenSeconds: Int
    /// An external identity provider whose tokens are accepted for this app.
    public var externalIssuer: String?
    /// Where that provider's OpenID configuration is (its JWKS is found there).
    public var metadataURL: String?
    /// The audience the provider's tokens must carry.
    public var audience: String?
    /// When it was registered.
    public let createdAt: Date
    /// When it was last changed.
    public var updatedAt: Date

    /// The scopes its resources grant, sorted.
    public var scopes: [String] { resources.sorted().flatMap(\.scopes) }

    init(row: SQLRow) throws(DatabaseError) {
        id = try row.get("id")
        companyID = try row.get("company_id")
        clientID = try row.get("client_id")
        name = try row.get("name")
        description = try row.get("description")
        actingUserID = try row.get("acting_user_id")
        resources = Set(try row.get("resources", as: String.self).split(separator: ",").compactMap { APIResource(rawValue: String($0)) })
        accessTokenSeconds = Int(try row.get("access_token_seconds", as: Int64.self))
        refreshTokens = try row.get("refresh_tokens")
        refreshTokenSeconds = Int(try row.get("refresh_token_seconds", as: Int64.self))
        externalIssuer = try row.optional("external_issuer")
        metadataURL = try row.optional("metadata_url")
        audience = try row.optional("audience")
        createdAt = try row.get("created_at")
        updatedAt = try row.get("updated_at")
    }

    static let columns = """
        a.id, a.company_id, a.client_id, a.name, a.description, a.acting_user_id, a.resources, a.access_token_seconds,
        a.refresh_tokens, a.refresh_token_seconds, a.external_issuer, a.metadata_url, a.audience, a.created_at, a.updated_at
        """
}

/// What an administrator fills in to register or change an app.
public struct APIAppDraft: Sendable, Equatable {
    public var name: String
    public var description: String
    /// The login (username or e-mail) or id of the user the app acts as.
    public var actingUser: String
    public var resources: Set<APIResource>
    public var accessTokenSeconds: Int
    public var refreshTokens: Bool
    public var refreshTokenSeconds: Int
    public var externalIssuer: String?
    public var metadataURL: String?
    public var audience: String?

    /// A draft with the guide's defaults: one-hour access tokens, refresh tokens off (30 days when on).
    public init(
        name: String, description: String = "", actingUser: String, resources: Set<APIResource>,
        accessTokenSeconds: Int = 3600, refreshTokens: Bool = false, refreshTokenSeconds: Int = 30 * 86400,
        externalIssuer: String? = nil, metadataURL: String? = nil, audience: String? = nil
    ) {
        self.name = name
        self.description = description
        self.actingUser = actingUser
        self.resources = resources
        self.accessTokenSeconds = accessTokenSeconds
        self.refreshTokens = refreshTokens
        self.refreshTokenSeconds = refreshTokenSeconds
        self.externalIssuer = externalIssuer
        self.metadataURL = metadataURL
        self.audience = audience
    }
}

/// One client secret's record (the secret itself is shown once, when it is added).
public struct APIAppSecret: Sendable, Equatable {
    public let id: Int64
    public let appID: Int64
    /// The first characters, to recognise it.
    public let prefix: String
    public let createdAt: Date
    public let expiresAt: Date
    public let lastUsedAt: Date?

    init(row: SQLRow) throws(DatabaseError) {
        id = try row.get("id")
        appID = try row.get("app_id")
        prefix = try row.get("secret_prefix")
        createdAt = try row.get("created_at")
        expiresAt = try row.get("expires_at")
        lastUsedAt = try row.optional("last_used_at")
    }

    static let columns = "s.id, s.app_id, s.secret_prefix, s.created_at, s.expires_at, s.last_used_at"
}

/// A secret just added: its record and the secret, which exists only in this value.
public struct IssuedAPIAppSecret: Sendable {
    public let record: APIAppSecret
    /// `pws_…`; show it once.
    public let secret: String
}

/// Why an app could not be registered, changed or used.
public enum APIAppError: Error, Equatable, CustomStringConvertible {
    /// A field is invalid; `field` names it.
    case invalid(field: String, reason: String)
    /// The company has as many apps as it may.
    case limitReached(Int)
    /// The app has two live secrets already.
    case tooManySecrets
    /// No such app (or secret) in the caller's scope.
    case notFound

    public var description: String {
        switch self {
        case .invalid(let field, let reason): "\(field): \(reason)"
        case .limitReached(let n): "the company has registered its maximum of \(n) apps"
        case .tooManySecrets: "an app has at most two live client secrets; delete one first"
        case .notFound: "no such app"
        }
    }
}
