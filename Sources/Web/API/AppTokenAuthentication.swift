import Foundation
import Hummingbird
import PagewireCore

/// The app-token half of bearer authentication: verifies the JWT and maps it to the acting user.
struct AppTokenAuthentication {
    let identity: IdentityServices

    func principal(token: String, ip: String?) async throws -> APIPrincipal {
        if let cached = identity.verifiedTokens.principal(for: token) { return cached }
        let access: VerifiedAccess
        do {
            access = try await identity.verifier.verify(token, ip: ip)
        } catch is TokenRejection {
            // The reason is in the audit log; the caller learns only that the token was refused.
            throw Self.refused
        }
        guard let principal = try await identity.principals.principal(for: access) else { throw Self.refused }
        identity.verifiedTokens.store(principal, for: token, expiresAt: access.expiresAt)
        return principal
    }

    static var refused: Problem {
        var problem = Problem.unauthorized("the access token is invalid, expired, or not for this API")
        problem.extraHeaders[.wwwAuthenticate] = "Bearer realm=\"pagewire\", error=\"invalid_token\""
        return problem
    }
}
