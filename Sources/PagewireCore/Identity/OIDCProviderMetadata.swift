import Foundation

/// What a company's OpenID Connect provider publishes at `<issuer>/.well-known/openid-configuration`
/// (OpenID Connect Discovery 1.0 §3) and Pagewire uses: where to send the browser, where to
/// exchange the code, where its keys are, and where a sign-out ends the provider's session.
public struct OIDCProviderMetadata: Sendable, Equatable {
    /// The provider's issuer, equal to the one configured.
    public var issuer: String
    public var authorizationEndpoint: String
    public var tokenEndpoint: String
    public var jwksURI: String
    /// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0), when the provider offers it.
    public var endSessionEndpoint: String?

    /// The discovery URL of `issuer`.
    public static func discoveryURL(issuer: String) -> String { issuer + "/.well-known/openid-configuration" }

    /// Fetches and checks the discovery document of `issuer`; the error says what is wrong, in
    /// words an administrator can act on (without echoing the provider's answer).
    public static func fetch(issuer: String) async throws(OIDCDiscoveryError) -> OIDCProviderMetadata {
        let answer: Curl.HTTPResponse
        do {
            answer = try await Curl.get(url: discoveryURL(issuer: issuer), headers: ["Accept: application/json"], maxBodyBytes: 128 * 1024)
        } catch {
            throw .unreachable
        }
        guard answer.status == 200 else { throw .httpStatus(answer.status) }
        return try parse(answer.body, issuer: issuer)
    }

    /// Checks a discovery document for `issuer`.
    public static func parse(_ body: [UInt8], issuer: String) throws(OIDCDiscoveryError) -> OIDCProviderMetadata {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { throw .notJSON }
        func url(_ name: String, required: Bool = true) throws(OIDCDiscoveryError) -> String? {
            guard let text = object[name] as? String else {
                if required { throw .missing(name) }
                return nil
            }
            guard let parsed = URL(string: text), ["https", "http"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host?.isEmpty == false else {
                throw .invalidURL(name)
            }
            return text
        }
        guard let published = object["issuer"] as? String else { throw .missing("issuer") }
        // Discovery §4.3: the issuer in the document must be exactly the one it was fetched for.
        guard published == issuer else { throw .issuerMismatch }
        guard let authorization = try url("authorization_endpoint"), let token = try url("token_endpoint"), let jwks = try url("jwks_uri") else {
            throw .missing("endpoints")
        }
        if let types = object["response_types_supported"] as? [String], !types.contains(where: { $0.split(separator: " ").contains("code") }) {
            throw .codeFlowUnsupported
        }
        return OIDCProviderMetadata(issuer: published, authorizationEndpoint: authorization, tokenEndpoint: token, jwksURI: jwks,
                                    endSessionEndpoint: try url("end_session_endpoint", required: false))
    }
}

/// Why a provider's discovery document is not usable.
public enum OIDCDiscoveryError: Error, Equatable, CustomStringConvertible {
    case unreachable
    case httpStatus(Int)
    case notJSON
    case missing(String)
    case invalidURL(String)
    case issuerMismatch
    case codeFlowUnsupported

    public var description: String {
        switch self {
        case .unreachable: "the issuer's discovery document (/.well-known/openid-configuration) could not be fetched"
        case .httpStatus(let status): "the issuer's discovery document answered HTTP \(status)"
        case .notJSON: "the issuer's discovery document is not a JSON object"
        case .missing(let name): "the issuer's discovery document has no \(name)"
        case .invalidURL(let name): "the issuer's discovery document has an invalid \(name)"
        case .issuerMismatch: "the discovery document names another issuer (the issuer must match it exactly, without a trailing slash)"
        case .codeFlowUnsupported: "the provider does not offer the authorization code flow"
        }
    }
}
