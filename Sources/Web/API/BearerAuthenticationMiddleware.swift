import Foundation
import Hummingbird
import PagewireCore

/// Authenticates `/v1` requests by `Authorization: Bearer <personal API token>` and puts the
/// principal (user and account scope) into the context.
struct BearerAuthenticationMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let tokens: APITokenRepository

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw Problem.unauthorized("send an API token as 'Authorization: Bearer <token>'")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Problem.unauthorized("only bearer tokens are accepted")
        }
        guard let principal = try await tokens.authenticate(bearer: String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            throw Problem.unauthorized("the token is unknown, revoked or expired")
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "user.id"] = "\(principal.userID)"
        return try await next(request, context)
    }
}
