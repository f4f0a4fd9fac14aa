import Crypto
import Foundation

/// The vault's cryptographic building blocks, each binding its output to where it is stored
/// (document, chunk, company, key, user) through nonces and associated data, so that a value
/// copied into another row fails to open instead of opening as something else.
enum VaultCipher {
    /// HPKE with X25519, HKDF-SHA256 and AES-256-GCM (RFC 9180 base mode).
    static let suite = HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .AES_GCM_256)
    static let encapsulatedKeyLength = 32

    // MARK: - Document chunks

    /// The nonce of chunk `n`: unique per chunk under a key used for one document only.
    /// The top bit of the first byte is the final-chunk flag, so a truncated sequence cannot
    /// end on a chunk that was not written as the last.
    static func chunkNonce(index: Int, final: Bool) -> AES.GCM.Nonce {
        var bytes = [UInt8](repeating: 0, count: 12)
        bytes[0] = final ? 0x80 : 0
        withUnsafeBytes(of: UInt64(index).bigEndian) { bytes.replaceSubrange(4..<12, with: $0) }
        return try! AES.GCM.Nonce(data: bytes)
    }

    static func chunkAAD(documentID: Int64, index: Int, final: Bool) -> [UInt8] {
        Array("pagewire.vault.v1.chunk:\(documentID):\(index):\(final ? 1 : 0)".utf8)
    }

    /// Ciphertext followed by the 16-byte tag; the nonce is derived, not stored.
    static func sealChunk(_ plaintext: ArraySlice<UInt8>, key: SymmetricKey, documentID: Int64, index: Int, final: Bool) throws -> [UInt8] {
        let box = try AES.GCM.seal(
            plaintext, using: key, nonce: chunkNonce(index: index, final: final),
            authenticating: chunkAAD(documentID: documentID, index: index, final: final))
        var stored = [UInt8]()
        stored.reserveCapacity(box.ciphertext.count + box.tag.count)
        stored.append(contentsOf: box.ciphertext)
        stored.append(contentsOf: box.tag)
        return stored
    }

    static func openChunk(_ stored: [UInt8], key: SymmetricKey, documentID: Int64, index: Int, final: Bool) throws(VaultError) -> [UInt8] {
        guard stored.count >= 16 else {
            throw .tampered(documentID: documentID, chunk: index, reason: "chunk is shorter than its tag")
        }
        do {
            let box = try AES.GCM.SealedBox(
                nonce: chunkNonce(index: index, final: final),
                ciphertext: stored.dropLast(16), tag: stored.suffix(16))
            return Array(try AES.GCM.open(box, using: key, authenticating: chunkAAD(documentID: documentID, index: index, final: final)))
        } catch {
            throw .tampered(
                documentID: documentID, chunk: index,
                reason: final ? "authentication failed (or the chunk was not written as the last one)" : "authentication failed")
        }
    }

    // MARK: - Sealing to public keys (HPKE)

    /// Seals `secret` to `recipient`: encapsulated key (32 bytes) followed by the ciphertext.
    static func seal(_ secret: [UInt8], to recipient: Curve25519.KeyAgreement.PublicKey, context: String) throws -> [UInt8] {
        var sender = try HPKE.Sender(recipientKey: recipient, ciphersuite: suite, info: Data("pagewire.vault.v1".utf8))
        let ciphertext = try sender.seal(secret, authenticating: Array(context.utf8))
        return Array(sender.encapsulatedKey) + Array(ciphertext)
    }

    /// Opens what `seal` produced; nil when the key or the context does not match.
    static func open(_ sealed: [UInt8], with privateKey: Curve25519.KeyAgreement.PrivateKey, context: String) -> [UInt8]? {
        guard sealed.count > encapsulatedKeyLength + 16 else { return nil }
        do {
            var recipient = try HPKE.Recipient(
                privateKey: privateKey, ciphersuite: suite, info: Data("pagewire.vault.v1".utf8),
                encapsulatedKey: Data(sealed.prefix(encapsulatedKeyLength)))
            return Array(try recipient.open(sealed.dropFirst(encapsulatedKeyLength), authenticating: Array(context.utf8)))
        } catch {
            return nil
        }
    }

    // MARK: - Wrapping with symmetric keys

    /// AES-256-GCM with a random nonce: nonce, ciphertext and tag in one value.
    static func wrap(_ secret: [UInt8], with key: SymmetricKey, context: String) throws -> [UInt8] {
        guard let combined = try AES.GCM.seal(secret, using: key, authenticating: Array(context.utf8)).combined else {
            throw VaultError.corruptKeyMaterial(what: "AES-GCM produced no combined value")
        }
        return Array(combined)
    }

    /// Opens what `wrap` produced; nil when the key or the context does not match.
    static func unwrap(_ wrapped: [UInt8], with key: SymmetricKey, context: String) -> [UInt8]? {
        guard let box = try? AES.GCM.SealedBox(combined: wrapped) else { return nil }
        return try? Array(AES.GCM.open(box, using: key, authenticating: Array(context.utf8)))
    }

    /// A wrapping key from a high-entropy secret (session secrets).
    static func derivedKey(from secret: [UInt8], purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secret), info: Array("pagewire.vault.v1.\(purpose)".utf8), outputByteCount: 32)
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    static func bytes(of key: SymmetricKey) -> [UInt8] {
        key.withUnsafeBytes { Array($0) }
    }

    static func privateKey(_ raw: [UInt8], what: String) throws(VaultError) -> Curve25519.KeyAgreement.PrivateKey {
        do { return try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw) } catch {
            throw .corruptKeyMaterial(what: what)
        }
    }

    static func publicKey(_ raw: [UInt8], what: String) throws(VaultError) -> Curve25519.KeyAgreement.PublicKey {
        do { return try Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw) } catch {
            throw .corruptKeyMaterial(what: what)
        }
    }
}
