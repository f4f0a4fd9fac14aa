import Foundation

/// A company's single sign-on through its own OpenID Connect provider (the guide's Federation).
public struct OIDCConnection: Sendable, Equatable {
    /// The company signing in through it.
    public var companyID: Int64
    /// The provider's issuer URL (its configuration is at `<issuer>/.well-known/openid-configuration`).
    public var issuer: String
    /// Pagewire's client id at the provider.
    public var clientID: String
    /// Scopes asked for (always including `openid`).
    public var scopes: [String]
    /// The e-mail domains whose users sign in here (`clinic.example`).
    public var emailDomains: [String]
    /// Claim names: e-mail, display name, groups.
    public var emailClaim: String
    public var nameClaim: String
    public var groupsClaim: String
    /// Which department a user of an IdP group is created in (first match wins).
    public var groupDepartments: [String: Int64]
    /// Which administrator rights a user of an IdP group gets when created just in time (the
    /// rights of all their groups together, granted where the user is created).
    public var groupRights: [String: [AdminRight]]
    /// Whether unknown users are created at their first sign-in.
    public var justInTimeUsers: Bool
    /// Whether the company's users may sign in only through the provider.
    public var ssoOnly: Bool
    /// Whether the connection is in use.
    public var enabled: Bool

    /// A connection with the usual claim names and scopes.
    public init(companyID: Int64, issuer: String, clientID: String, scopes: [String] = ["openid", "email", "profile"],
                emailDomains: [String], emailClaim: String = "email", nameClaim: String = "name", groupsClaim: String = "groups",
                groupDepartments: [String: Int64] = [:], groupRights: [String: [AdminRight]] = [:], justInTimeUsers: Bool = false,
                ssoOnly: Bool = false, enabled: Bool = true) {
        self.companyID = companyID
        self.issuer = issuer
        self.clientID = clientID
        self.scopes = scopes
        self.emailDomains = emailDomains
        self.emailClaim = emailClaim
        self.nameClaim = nameClaim
        self.groupsClaim = groupsClaim
        self.groupDepartments = groupDepartments
        self.groupRights = groupRights
        self.justInTimeUsers = justInTimeUsers
        self.ssoOnly = ssoOnly
        self.enabled = enabled
    }
}

/// Why a connection could not be saved or found.
public enum OIDCConnectionError: Error, Equatable, CustomStringConvertible {
    case invalid(field: String, reason: String)
    /// Another company already signs in users of this domain.
    case domainTaken(String)
    case notFound

    public var description: String {
        switch self {
        case .invalid(let field, let reason): "\(field): \(reason)"
        case .domainTaken(let domain): "the domain \(domain) already signs in through another company's provider"
        case .notFound: "no single sign-on connection"
        }
    }
}
