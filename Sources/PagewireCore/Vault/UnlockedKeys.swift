import Crypto
import Foundation

/// A user's private vault key, opened with the user's password or session secret.
/// Lives in memory for one request; it has no encoding and is never logged.
public struct UnlockedUserKey: Sendable {
    /// The user whose key this is.
    public let userID: Int64
    let privateKey: Curve25519.KeyAgreement.PrivateKey
}

/// A company's private keys (the active one and every retired one reachable from it), opened
/// for one request by a key holder or the recovery key. Never stored.
public struct UnlockedCompanyKey: Sendable {
    /// The company whose keys these are.
    public let companyID: Int64
    /// The key new documents are sealed to.
    public let activeKeyID: Int64
    let privateKeys: [Int64: Curve25519.KeyAgreement.PrivateKey]

    /// Ids of every company key this opens.
    public var keyIDs: Set<Int64> { Set(privateKeys.keys) }
}
