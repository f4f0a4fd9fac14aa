import Foundation
import PagewireCore

/// Saving and removing a company's single sign-on connection, for the portal's page and `/v1`
/// alike: the fields are checked, then the issuer's discovery document is fetched and checked, and
/// only then is the connection stored (its client secret sealed with the transit key).
struct SSOConnectionAdmin: Sendable {
    let connections: OIDCConnectionRepository
    let brands: BrandRepository
    /// `web.public_url`: the callback host of companies without a brand domain.
    let publicURL: String
    /// `oauth.allow_private_issuers`
    let allowPrivateIssuers: Bool

    init(database: Database, transit: TransitKeyring, publicURL: String, allowPrivateIssuers: Bool) {
        self.allowPrivateIssuers = allowPrivateIssuers
        connections = OIDCConnectionRepository(database: database, transit: transit)
        brands = BrandRepository(database: database)
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    }

    /// Why a connection was not saved, with the field it concerns.
    enum Failure: Error, Equatable {
        case invalid(field: String, message: String)
        case domainTaken(String)
        case notFound

        var message: String {
            switch self {
            case .invalid(_, let message): message
            case .domainTaken(let domain): "the domain \(domain) already signs in through another company's provider"
            case .notFound: "no such company"
            }
        }
    }

    /// Checks `connection`, the provider behind its issuer, and stores it; returns the provider's
    /// metadata. IdP groups may be given only rights among `grantable` (the caller's own): nobody
    /// hands out through the provider what they could not grant themselves.
    func save(_ connection: OIDCConnection, clientSecret: String?, scope: AccountScope, actor: AuditActor,
              grantable: Set<AdminRight>) async throws -> OIDCProviderMetadata {
        let checked: OIDCConnection
        do {
            checked = try OIDCConnectionRepository.validated(connection)
        } catch let error as OIDCConnectionError {
            throw Self.failure(error)
        }
        let beyond = Set(checked.groupRights.values.flatMap { $0 }).subtracting(grantable).subtracting([.readOnly])
        guard beyond.isEmpty else {
            throw Failure.invalid(field: "group_rights", message: "group_rights: you can only hand out rights you hold yourself (not "
                                  + beyond.map(\.rawValue).sorted().joined(separator: ", ") + ")")
        }
        if let clientSecret, clientSecret.isEmpty || clientSecret.utf8.count > 512 {
            throw Failure.invalid(field: "client_secret", message: "client_secret: 1 to 512 characters")
        }
        // A tenant's issuer must be on the public network (the platform fetches it), unless allowed.
        do {
            _ = try await WebhookTargetPolicy.check(checked.issuer, allowPrivate: allowPrivateIssuers)
        } catch let error as WebhookTargetError {
            let reason: String = switch error {
            case .privateTarget: "the issuer's host resolves to a loopback or private address"
            case .unresolvable: "the issuer's host name does not resolve"
            default: "the issuer is not a usable http(s) URL"
            }
            throw Failure.invalid(field: "issuer", message: "issuer: \(reason)")
        }
        let metadata: OIDCProviderMetadata
        do {
            metadata = try await OIDCProviderMetadata.fetch(issuer: checked.issuer)
        } catch {
            throw Failure.invalid(field: "issuer", message: "issuer: \(error)")
        }
        do {
            try await connections.save(checked, clientSecret: clientSecret, scope: scope, actor: actor)
        } catch let error as OIDCConnectionError {
            throw Self.failure(error)
        } catch AccountError.notFound {
            throw Failure.notFound
        }
        return metadata
    }

    static func failure(_ error: OIDCConnectionError) -> Failure {
        switch error {
        case .invalid(let field, let reason): .invalid(field: field, message: "\(field): \(reason)")
        case .domainTaken(let domain): .domainTaken(domain)
        case .notFound: .notFound
        }
    }

    /// The callback URLs to register at the provider for `company`: one per host its users sign in on.
    func redirectURIs(company: Account) async throws -> [String] {
        [publicURL + SSOController.callbackPath] + (try await brands.hosts(servingAccountPath: company.path)).map { "https://\($0)" + SSOController.callbackPath }
    }

    /// The page the provider sends people to after signing out, per host.
    func postLogoutRedirectURIs(company: Account) async throws -> [String] {
        [publicURL + "/signin"] + (try await brands.hosts(servingAccountPath: company.path)).map { "https://\($0)/signin" }
    }
}
