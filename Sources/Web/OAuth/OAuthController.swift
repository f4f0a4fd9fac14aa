import Foundation
import Hummingbird
import HTTPTypes
import PagewireCore

/// The OAuth 2.0 token endpoint (RFC 6749 §4.4 client credentials and §6 refresh) and the
/// discovery documents a verifier needs (`/.well-known/openid-configuration`, `/.well-known/jwks.json`).
///
/// Clients authenticate with HTTP Basic (`client_id:client_secret`, form-encoded as RFC 6749 §2.3.1
/// says) or with `client_id` and `client_secret` in the form. Errors are RFC 6749 §5.2 JSON.
///
/// Requests are counted per client address and per client id in MariaDB (`rate_counters`, shared
/// by every worker); beyond a limit the answer is 429 with a problem document and `Retry-After`.
/// Every refusal is written to the audit log (under the app's company when the client id names
/// one, else under the platform).
struct OAuthController {
    let identity: IdentityServices
    /// `/oauth/token` requests per minute naming one client id (0: no limit).
    var perClientPerMinute: Int = 0
    /// `/oauth/token` requests per minute from one address (0: no limit).
    var perIPPerMinute: Int = 0
    static let rateWindow: TimeInterval = 60

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.post("/oauth/token", use: token)
        router.get("/.well-known/openid-configuration", use: configuration)
        router.get("/.well-known/oauth-authorization-server", use: configuration)
        router.get("/.well-known/jwks.json", use: jwks)
    }

    @Sendable func configuration(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let issuer = identity.issuer.issuer
        let document: [String: Any] = [
            "issuer": issuer,
            "token_endpoint": issuer + "/oauth/token",
            "jwks_uri": issuer + "/.well-known/jwks.json",
            "grant_types_supported": ["client_credentials", "refresh_token"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": APIResource.allScopes.sorted(),
            "response_types_supported": ["token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "token_endpoint_auth_signing_alg_values_supported": ["ES256"],
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func jwks(_ request: Request, context: PortalRequestContext) async throws -> Response {
        _ = try await identity.keys.currentSigner()  // the first request creates the first key
        let body = try await identity.keys.jwksJSON()
        // Short caching: a verifier elsewhere sees a rotation within a minute.
        return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=60"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    @Sendable func token(_ request: Request, context: PortalRequestContext) async throws -> Response {
        let ip = context.remoteAddress ?? "unknown"
        let now = Date()
        if perIPPerMinute > 0 {
            let count = try await RateCounter(database: identity.apps.database).hit(["oauth.token.ip:\(ip)"], window: Self.rateWindow, now: now)[0]
            if count > perIPPerMinute {
                // Audited once per window and address, not once per refused request (a flood would fill the log).
                if count == perIPPerMinute + 1 { try await audit(clientID: nil, ip: ip, reason: "rate limit per address (\(perIPPerMinute) per minute)") }
                return Self.tooManyRequests(now: now, detail: "too many token requests from this address; retry after the time given")
            }
        }
        return try await tokenResponse(request, context: context, ip: ip, now: now)
    }

    func tokenResponse(_ request: Request, context: PortalRequestContext, ip: String, now: Date) async throws -> Response {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            return Self.error("invalid_request", "send the parameters as application/x-www-form-urlencoded")
        }
        let body = try await request.body.collect(upTo: 16 * 1024)
        var form: [String: String] = [:]
        for (name, value) in FormData.urlEncoded(String(buffer: body)) {
            // RFC 6749 §3.2: parameters must not be repeated.
            guard form[name] == nil else { return Self.error("invalid_request", "parameter '\(name.prefix(40))' is repeated") }
            form[name] = value
        }
        // Client authentication: Basic or the form, not both.
        var clientID = form["client_id"], secret = form["client_secret"]
        var usedBasic = false
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "basic",
                  let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)).map({ String(decoding: $0, as: UTF8.self) }),
                  let colon = decoded.firstIndex(of: ":") else {
                return Self.error("invalid_client", "unreadable client authentication", status: .unauthorized, basic: true)
            }
            guard secret == nil else { return Self.error("invalid_request", "use one client authentication method") }
            func unescape(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            let basicID = unescape(decoded[..<colon])
            guard clientID == nil || clientID == basicID else { return Self.error("invalid_request", "client_id differs from the authenticated client") }
            clientID = basicID
            secret = unescape(decoded[decoded.index(after: colon)...])
            usedBasic = true
        }
        guard let clientID, let secret, !clientID.isEmpty else {
            try await audit(clientID: nil, ip: ip, reason: "no client authentication")
            return Self.error("invalid_client", "client authentication is required", status: .unauthorized, basic: true)
        }
        if perClientPerMinute > 0 {
            let count = try await RateCounter(database: identity.apps.database).hit(
                ["oauth.token.client:\(clientID.prefix(64))"], window: Self.rateWindow, now: now)[0]
            if count > perClientPerMinute {
                if count == perClientPerMinute + 1 { try await audit(clientID: clientID, ip: ip, reason: "rate limit per client (\(perClientPerMinute) per minute)") }
                return Self.tooManyRequests(now: now, detail: "too many token requests for this client; retry after the time given")
            }
        }
        guard let app = try await identity.apps.authenticateClient(clientID: clientID, secret: secret) else {
            try await audit(clientID: clientID, ip: ip, reason: "unknown client or wrong secret")
            return Self.error("invalid_client", "unknown client or wrong secret", status: .unauthorized, basic: usedBasic)
        }
        // The requested scopes must be among the app's; none requested means all of them.
        var scopes = app.scopes
        if let requested = form["scope"] {
            let wanted = requested.split(separator: " ").map(String.init)
            guard !wanted.isEmpty, Set(wanted).isSubset(of: Set(app.scopes)) else {
                try await audit(clientID: clientID, ip: ip, reason: "scope beyond the app's resources")
                return Self.error("invalid_scope", "the app's resources grant: \(app.scopes.joined(separator: " "))")
            }
            scopes = app.scopes.filter(wanted.contains)
        }
        switch form["grant_type"] {
        case "client_credentials":
            break
        case "refresh_token":
            guard app.refreshTokens else {
                try await audit(clientID: clientID, ip: ip, reason: "refresh token grant while refresh tokens are off")
                return Self.error("unauthorized_client", "refresh tokens are off for this app")
            }
            guard let refresh = form["refresh_token"], try await identity.apps.redeemRefreshToken(refresh, app: app) else {
                try await audit(clientID: clientID, ip: ip, reason: "invalid, used or expired refresh token")
                return Self.error("invalid_grant", "the refresh token is invalid, used or expired")
            }
        case nil:
            return Self.error("invalid_request", "grant_type is required")
        default:
            return Self.error("unsupported_grant_type", "grant types: client_credentials, refresh_token")
        }
        let (accessToken, expiresIn) = try await identity.issuer.issue(app: app, scopes: scopes)
        var answer: [String: Any] = [
            "access_token": accessToken, "token_type": "Bearer", "expires_in": expiresIn, "scope": scopes.joined(separator: " "),
        ]
        if app.refreshTokens {
            answer["refresh_token"] = try await identity.apps.issueRefreshToken(app: app)
        }
        return Self.json(answer, status: .ok)
    }

    /// One audit row for a refused token request: under the company of the app `clientID` names
    /// (the client id is public, so this is what the request claimed), else under the platform.
    func audit(clientID: String?, ip: String, reason: String) async throws {
        let database = identity.apps.database
        var app: APIApp?
        if let clientID { app = try await identity.apps.find(clientID: String(clientID.prefix(64))) }
        let accountID: Int64
        if let app {
            accountID = app.companyID
        } else {
            guard let root: Int64 = try await database.query("SELECT id FROM accounts WHERE parent_id IS NULL ORDER BY id LIMIT 1").first?.get("id") else { return }
            accountID = root
        }
        let label = clientID.map { app == nil ? "unknown client" : String($0.prefix(64)) } ?? "no client"
        try await AuditLog(database: database).record(
            accountID: accountID, actor: AuditActor(kind: .apiApp, label: label, ip: ip), action: .tokenRequestRefused,
            targetType: "api_app", targetID: app.map { String($0.id) } ?? "", detail: "token request refused: \(reason)")
    }

    /// 429 with an RFC 9457 problem document and `Retry-After`: the seconds until the counting window ends.
    static func tooManyRequests(now: Date, detail: String) -> Response {
        let windowEnd = (now.timeIntervalSince1970 / rateWindow).rounded(.down) * rateWindow + rateWindow
        let retryAfter = max(1, Int((windowEnd - now.timeIntervalSince1970).rounded(.up)))
        let problem: [String: Any] = [
            "type": "urn:pagewire:problem:rate-limited", "title": "Too many requests", "status": 429, "detail": detail,
            "retry_after_seconds": retryAfter,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: problem, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: .tooManyRequests,
                        headers: [.contentType: "application/problem+json", .retryAfter: String(retryAfter), .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func json(_ object: [String: Any], status: HTTPResponse.Status, extra: HTTPFields = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        var headers = extra
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Pragma")!] = "no-cache"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// An RFC 6749 §5.2 error; `invalid_client` after Basic authentication is a 401 with a challenge.
    static func error(_ code: String, _ description: String, status: HTTPResponse.Status = .badRequest, basic: Bool = false) -> Response {
        var extra: HTTPFields = [:]
        if status == .unauthorized, basic { extra[.wwwAuthenticate] = "Basic realm=\"pagewire\"" }
        return json(["error": code, "error_description": description], status: status, extra: extra)
    }
}
