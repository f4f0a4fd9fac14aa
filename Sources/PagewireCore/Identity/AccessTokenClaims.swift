import Foundation
import JWTKit

/// The claims of a Pagewire access token (RFC 9068 JWT profile), and the subset read from an
/// external issuer's tokens. Times are NumericDate seconds; every check is done by
/// `AccessTokenVerifier` with an explicit clock and skew, so `verify(using:)` adds none.
struct AccessTokenClaims: JWTPayload, Equatable {
    var iss: String?
    var sub: String?
    var aud: AudienceClaim?
    var exp: Double?
    var nbf: Double?
    var iat: Double?
    var jti: String?
    /// Space-separated scopes (platform tokens).
    var scope: String?
    /// The app the token was issued to (platform tokens).
    var clientID: String?
    /// External issuers name the authorized party here.
    var azp: String?
    /// ID tokens: the nonce of the authorization request.
    var nonce: String?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, nbf, iat, jti, scope, azp, nonce
        case clientID = "client_id"
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// The protected header fields the verifier looks at before touching any key.
struct TokenHeader: Decodable {
    var alg: String?
    var kid: String?
    var typ: String?
    var crit: [String]?
}
