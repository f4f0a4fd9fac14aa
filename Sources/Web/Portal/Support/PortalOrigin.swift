import Foundation
import Hummingbird
import PagewireCore

/// The portal's own base URL for the host a browser is on, for URLs a provider must send the
/// browser back to (the single sign-on callback, the page after signing out): the configured
/// base URL (`web.public_url`, `oauth.issuer`) whose host and port the request names, or a brand
/// domain (served over HTTPS), so the session cookie is set on the host the person uses. An
/// unknown `Host` gets `web.public_url`: a request never makes Pagewire name a host nobody configured.
struct PortalOrigin: Sendable {
    /// Configured base URLs, the first being the fallback; no trailing slash.
    let configured: [String]
    let brands: BrandRepository

    init(configuration: Configuration, database: Database) {
        var bases: [String] = []
        for base in [configuration.webPublicURL, configuration.oauthIssuer] {
            let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
            if !bases.contains(trimmed) { bases.append(trimmed) }
        }
        configured = bases
        brands = BrandRepository(database: database)
    }

    /// The base URL (no trailing slash) for `request`.
    func base(for request: Request) async throws -> String {
        let authority = (request.head.authority ?? "").lowercased()
        if !authority.isEmpty {
            for base in configured where Self.authority(of: base) == authority { return base }
            if try await brands.isBrandHost(authority) { return "https://" + BrandRepository.normalize(authority) }
        }
        return configured[0]
    }

    /// `host[:port]` of a URL as a browser sends it in `Host` (the default port left out).
    static func authority(of base: String) -> String? {
        guard let url = URL(string: base), let host = url.host?.lowercased() else { return nil }
        let defaultPort = url.scheme?.lowercased() == "https" ? 443 : 80
        guard let port = url.port, port != defaultPort else { return host }
        return "\(host):\(port)"
    }
}
