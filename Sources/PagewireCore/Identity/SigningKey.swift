import Crypto
import Foundation
import JWTKit

/// One of the platform's token signing keys (ES256 over P-256).
public struct SigningKey: Sendable {
    /// The key id, in every token's header (`kid`).
    public let kid: String
    /// The public key.
    public let publicKey: P256.Signing.PublicKey
    /// When it stopped signing; nil while it is the current key.
    public let retiredAt: Date?
    /// The end of its grace after retirement (processes may sign with a cached copy until then).
    public let publishUntil: Date?
    /// The latest expiry of a token it signed (rounded up to a minute), when known.
    public var tokensExpireBy: Date? = nil

    /// Whether verifiers still need it at `now`: while it signs, during its grace, and until
    /// every token it signed has expired (plus the verifiers' clock skew).
    public func isPublished(at now: Date) -> Bool {
        guard retiredAt != nil else { return true }
        if let publishUntil, publishUntil > now { return true }
        if let tokensExpireBy, tokensExpireBy.addingTimeInterval(SigningKeyStore.verifierSkew) > now { return true }
        return false
    }

    /// The JWK members of the public key: `x` and `y` in base64url.
    public var coordinates: (x: String, y: String) {
        let raw = Array(publicKey.x963Representation)  // 0x04 ‖ x ‖ y
        return (Self.base64URL(raw[1..<33]), Self.base64URL(raw[33..<65]))
    }

    /// The key as a JSON Web Key.
    public var jwk: [String: String] {
        let (x, y) = coordinates
        return ["kty": "EC", "crv": "P-256", "x": x, "y": y, "kid": kid, "use": "sig", "alg": "ES256"]
    }

    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func fromBase64URL(_ text: String) -> [UInt8]? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map(Array.init)
    }
}
