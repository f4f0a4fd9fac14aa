/// Why a bearer token was refused; recorded in the audit log, never told to the caller in detail.
public enum TokenRejection: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed
    /// The header names an algorithm the issuer is not configured for (`none`, `HS256`, …).
    case algorithmNotAllowed(String)
    /// No published key has this id (after a bounded refresh).
    case unknownKey
    case badSignature
    case expired
    case notYetValid
    case issuedInFuture
    case missingClaim(String)
    /// No registered app trusts this issuer.
    case unknownIssuer
    case wrongAudience
    /// The app the token names does not exist (any more).
    case unknownApp
    /// The token's subject is not the user the app acts as.
    case subjectMismatch
    /// The acting user is locked or gone.
    case inactiveUser
    /// The issuer's keys could not be fetched.
    case keysUnavailable

    public var description: String {
        switch self {
        case .malformed: "malformed token"
        case .algorithmNotAllowed(let alg): "algorithm '\(alg.prefix(20))' not allowed"
        case .unknownKey: "unknown key id"
        case .badSignature: "signature does not verify"
        case .expired: "expired"
        case .notYetValid: "not yet valid"
        case .issuedInFuture: "issued in the future"
        case .missingClaim(let claim): "claim '\(claim)' missing"
        case .unknownIssuer: "unknown issuer"
        case .wrongAudience: "wrong audience"
        case .unknownApp: "unknown app"
        case .subjectMismatch: "subject is not the app's acting user"
        case .inactiveUser: "acting user is not active"
        case .keysUnavailable: "issuer keys unavailable"
        }
    }
}
