import Crypto
import Foundation

/// Seals webhook signing secrets at rest with the platform transit key (AES-256-GCM, random
/// nonce, bound to the endpoint id), so a database dump alone does not let anyone forge
/// Pagewire's webhook signatures. The key file stays outside the database.
enum WebhookSecretSeal {
    static func aad(endpointID: Int64) -> [UInt8] { Array("pagewire.webhook-secret.v1:\(endpointID)".utf8) }

    /// Nonce, ciphertext and tag, with the id of the transit key used.
    static func seal(_ secret: String, endpointID: Int64, transit: TransitKeyring) throws -> (keyID: String, sealed: [UInt8]) {
        let (keyID, key) = transit.current
        let box = try AES.GCM.seal(Array(secret.utf8), using: key, authenticating: aad(endpointID: endpointID))
        return (keyID, Array(box.combined!))
    }

    /// The secret of endpoint `endpointID`; throws when the key is gone or the value was tampered with or moved.
    static func open(_ sealed: [UInt8], keyID: String, endpointID: Int64, transit: TransitKeyring) throws -> String {
        let key = try transit.key(id: keyID)
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            return String(decoding: try AES.GCM.open(box, using: key, authenticating: aad(endpointID: endpointID)), as: UTF8.self)
        } catch {
            throw VaultError.corruptKeyMaterial(what: "the signing secret of webhook endpoint \(endpointID)")
        }
    }
}
