import Foundation

/// Why a vault operation failed. Cases carry ids and reasons, never key material or content.
public enum VaultError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No document with this id in the caller's company (also what another tenant's id gives).
    case documentNotFound(documentID: Int64)
    /// The document's content was purged by the retention policy.
    case documentExpired(documentID: Int64, expiredAt: Date?)
    /// The document was never completely written (its writer stopped half-way).
    case documentIncomplete(documentID: Int64)
    /// A chunk failed authentication, is missing, or the chunk sequence was cut short or reordered.
    case tampered(documentID: Int64, chunk: Int, reason: String)
    /// The caller holds no key that opens this document.
    case noAccess(documentID: Int64, reason: String)
    /// The company has no vault yet (`CompanyKeyring.createVault` was never called).
    case vaultMissing(companyID: Int64)
    /// The company already has a vault.
    case vaultExists(companyID: Int64)
    /// The account is not a company.
    case notACompany(accountID: Int64)
    /// The account does not lie in the company's subtree.
    case accountOutsideCompany(accountID: Int64, companyID: Int64)
    /// The user has no key pair yet (`CompanyKeyring.enroll`).
    case userKeyMissing(userID: Int64)
    /// The user already has a key pair.
    case userKeyExists(userID: Int64)
    /// The password does not open the user's key.
    case wrongPassword(userID: Int64)
    /// The user is not a key holder of the company: another holder or the recovery key must grant access.
    case notAKeyHolder(userID: Int64, companyID: Int64)
    /// The user does not belong to the company's subtree (operators and reseller staff never do).
    case userOutsideCompany(userID: Int64, companyID: Int64)
    /// The recovery key is malformed or does not open this company's key.
    case invalidRecoveryKey(companyID: Int64)
    /// The session token is malformed, unknown or expired.
    case sessionInvalid
    /// The transit key file cannot be read, written, or is too widely readable.
    case transitKeyFile(path: String, reason: String)
    /// A transit copy names a transit key that the key file does not hold.
    case unknownTransitKey(keyID: String)
    /// Stored key material does not have the expected shape.
    case corruptKeyMaterial(what: String)
    /// A retention value lies outside the limits the platform set.
    case retentionOutOfRange(days: Int, minDays: Int, maxDays: Int)
    /// Retention limits that contradict each other.
    case invalidRetentionLimits(minDays: Int, maxDays: Int)

    public var description: String {
        switch self {
        case .documentNotFound(let id): "document \(id) not found"
        case .documentExpired(let id, _): "document \(id) expired: its content was purged by the retention policy"
        case .documentIncomplete(let id): "document \(id) was never completely stored"
        case .tampered(let id, let chunk, let reason): "document \(id) failed authentication at chunk \(chunk): \(reason)"
        case .noAccess(let id, let reason): "no key opens document \(id): \(reason)"
        case .vaultMissing(let c): "company \(c) has no vault"
        case .vaultExists(let c): "company \(c) already has a vault"
        case .notACompany(let a): "account \(a) is not a company"
        case .accountOutsideCompany(let a, let c): "account \(a) does not belong to company \(c)"
        case .userKeyMissing(let u): "user \(u) has no vault key"
        case .userKeyExists(let u): "user \(u) already has a vault key"
        case .wrongPassword(let u): "the password does not open the vault key of user \(u)"
        case .notAKeyHolder(let u, let c): "user \(u) holds no key of company \(c); another key holder or the recovery key must grant access"
        case .userOutsideCompany(let u, let c): "user \(u) does not belong to company \(c)"
        case .invalidRecoveryKey(let c): "the recovery key does not open the key of company \(c)"
        case .sessionInvalid: "the vault session is unknown or expired"
        case .transitKeyFile(let path, let reason): "transit key file \(path): \(reason)"
        case .unknownTransitKey(let id): "the transit key file has no key \(id)"
        case .corruptKeyMaterial(let what): "stored key material is malformed: \(what)"
        case .retentionOutOfRange(let d, let lo, let hi): "\(d) days is outside the allowed \(lo)...\(hi) days"
        case .invalidRetentionLimits(let lo, let hi): "retention limits \(lo)...\(hi) are invalid"
        }
    }
}
