import Foundation
import Hummingbird
import PagewireCore

/// Authenticates `/v1` requests by `Authorization: Bearer <token>` and puts the principal (user
/// and account scope) into the context. A token is either a personal API token (`pwt_…`) or an
/// API app's JWT access token (issued by `/oauth/token` or by the app's external issuer), whose
/// OAuth scopes must cover the route (`APIScopePolicy`).
struct BearerAuthenticationMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let tokens: APITokenRepository
    /// App tokens (issue 11).
    let identity: IdentityServices

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw Problem.unauthorized("send an API token as 'Authorization: Bearer <token>'")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Problem.unauthorized("only bearer tokens are accepted")
        }
        // Foundation's trimming walks UTF-16; most headers have nothing to trim.
        let raw = parts[1]
        let token = raw.first?.isWhitespace == true || raw.last?.isWhitespace == true
            ? raw.trimmingCharacters(in: .whitespaces) : String(raw)
        let principal: APIPrincipal
        if AccessTokenVerifier.looksLikeJWT(token) {
            principal = try await AppTokenAuthentication(identity: identity).principal(token: token, ip: context.remoteAddress)
            try APIScopePolicy.check(principal, method: request.method, path: request.uri.path)
        } else {
            guard let found = try await tokens.authenticate(bearer: token) else {
                throw Problem.unauthorized("the token is unknown, revoked or expired")
            }
            principal = found
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "user.id"] = "\(principal.userID)"
        return try await next(request, context)
    }
}
