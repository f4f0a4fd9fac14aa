import Crypto
import Foundation

/// Credentials kept inside settings values (an SFTP password or private key, an HTTPS signing
/// secret) sealed with the platform transit key, so a dump of `account_settings` or
/// `user_settings` holds no usable secret. The key file stays outside the database.
///
/// A sealed value reads `pwsealed:v1:<transit key id>:<base64 of nonce, ciphertext and tag>`,
/// bound to the setting and field it belongs to. A value without that prefix is a clear one from
/// before sealing; `pagewire-jobs` seals those at start-up (`SettingsRepository.sealClearSecrets`).
public enum SettingSecret {
    static let prefix = "pwsealed:v1:"

    /// Why a sealed value cannot be opened (never the value itself).
    public struct Unreadable: Error, CustomStringConvertible {
        public let field: String
        public var description: String { "the stored \(field) cannot be opened (transit key missing or value altered); enter it again" }
    }

    /// Whether `stored` is sealed.
    public static func isSealed(_ stored: String) -> Bool { stored.hasPrefix(prefix) }

    /// `clear` sealed for `field` (e.g. `inbound.sftp.password`); a sealed value is kept as it is.
    public static func seal(_ clear: String, field: String, transit: TransitKeyring) throws -> String {
        guard !isSealed(clear), !clear.isEmpty else { return clear }
        let (keyID, key) = transit.current
        let wrapped = try VaultCipher.wrap(Array(clear.utf8), with: sealingKey(key), context: context(field: field, keyID: keyID))
        return prefix + keyID + ":" + Data(wrapped).base64EncodedString()
    }

    /// The clear text of `stored`; a clear value is returned as it is.
    public static func open(_ stored: String, field: String, transit: TransitKeyring) throws(Unreadable) -> String {
        guard isSealed(stored) else { return stored }
        let rest = stored.dropFirst(prefix.count)
        guard let colon = rest.firstIndex(of: ":") else { throw Unreadable(field: field) }
        let keyID = String(rest[..<colon])
        guard let wrapped = Data(base64Encoded: String(rest[rest.index(after: colon)...])),
              let key = try? transit.key(id: keyID),
              let clear = VaultCipher.unwrap(Array(wrapped), with: sealingKey(key), context: context(field: field, keyID: keyID)),
              let text = String(bytes: clear, encoding: .utf8) else { throw Unreadable(field: field) }
        return text
    }

    /// The transit key id a sealed value was sealed with.
    public static func keyID(of stored: String) -> String? {
        guard isSealed(stored) else { return nil }
        return stored.dropFirst(prefix.count).split(separator: ":", maxSplits: 1).first.map(String.init)
    }

    /// A key of its own for settings secrets, so nothing wrapped for documents or trunks opens here.
    static func sealingKey(_ transitKey: SymmetricKey) -> SymmetricKey {
        VaultCipher.derivedKey(from: VaultCipher.bytes(of: transitKey), purpose: "setting-secret")
    }

    static func context(field: String, keyID: String) -> String { "pagewire.setting-secret:\(field):\(keyID)" }
}

extension InboundSFTPTarget {
    /// The target with its password and private key sealed (`field` names the setting, e.g. `inbound.sftp`).
    public func sealed(as field: String, transit: TransitKeyring) throws -> InboundSFTPTarget {
        var copy = self
        copy.password = try password.map { try SettingSecret.seal($0, field: field + ".password", transit: transit) }
        copy.privateKey = try privateKey.map { try SettingSecret.seal($0, field: field + ".private_key", transit: transit) }
        return copy
    }

    /// The target with its password and private key in clear, for the upload.
    public func opened(as field: String, transit: TransitKeyring) throws(SettingSecret.Unreadable) -> InboundSFTPTarget {
        var copy = self
        if let password { copy.password = try SettingSecret.open(password, field: field + ".password", transit: transit) }
        if let privateKey { copy.privateKey = try SettingSecret.open(privateKey, field: field + ".private_key", transit: transit) }
        return copy
    }

    /// Whether every credential it holds is sealed.
    var credentialsSealed: Bool {
        [password, privateKey].allSatisfy { ($0 ?? "").isEmpty || SettingSecret.isSealed($0!) }
    }
}

extension InboundHTTPSTarget {
    /// The target with its signing secret sealed.
    public func sealed(as field: String, transit: TransitKeyring) throws -> InboundHTTPSTarget {
        var copy = self
        copy.secret = try SettingSecret.seal(secret, field: field + ".secret", transit: transit)
        return copy
    }

    /// The target with its signing secret in clear, for signing.
    public func opened(as field: String, transit: TransitKeyring) throws(SettingSecret.Unreadable) -> InboundHTTPSTarget {
        var copy = self
        copy.secret = try SettingSecret.open(secret, field: field + ".secret", transit: transit)
        return copy
    }
}
