import Crypto
import Foundation

/// What an administrator's password reset did to a user's access to company keys.
public struct KeyResetOutcome: Sendable, Equatable {
    /// Companies whose key the user held before the reset and no longer holds: another key
    /// holder (`grant`) or the recovery key must grant it again. Nothing is lost meanwhile.
    public var pendingCompanies: [Int64]
    /// Companies where the resetting admin's unlocked key granted access again at once.
    public var regrantedCompanies: [Int64]

    /// An outcome (for comparisons in tests and callers).
    public init(pendingCompanies: [Int64], regrantedCompanies: [Int64]) {
        self.pendingCompanies = pendingCompanies
        self.regrantedCompanies = regrantedCompanies
    }
}

/// Company key pairs and who holds them.
///
/// Each company has an X25519 key pair; document keys are sealed to its public key, so the
/// system stores new documents without being able to read old ones. The private key is sealed
/// (HPKE) to the public key of every key holder: each user has an X25519 key pair of their own
/// whose private half is wrapped by a key derived from their password with Argon2id. The
/// company private key is also sealed to a recovery public key whose private half is shown
/// once to the first admin. Because every holder is a public key, an admin who holds the key can
/// grant it to a new user, and a rotation can re-seal to every holder, without any password.
///
/// A password change re-wraps the user's private key (nothing else changes). An administrator's
/// reset cannot open the old wrap, so the user gets a new key pair and loses their grants until a
/// key holder or the recovery key grants again; the documents stay sealed to the company key.
public struct CompanyKeyring: Sendable {
    /// Where keys and grants live.
    public let database: Database
    /// Argon2id cost for new password wraps (each wrap records its own parameters).
    public let kdfParameters: Argon2id.Parameters

    /// A keyring; tests pass `.testing` Argon2id parameters.
    public init(database: Database, kdfParameters: Argon2id.Parameters = .interactive) {
        self.database = database
        self.kdfParameters = kdfParameters
    }

    // MARK: - Contexts bound into every seal and wrap

    static func userWrapContext(userID: Int64) -> String { "user-key:\(userID)" }
    static func grantContext(companyID: Int64, keyID: Int64, userID: Int64) -> String {
        "company-key:\(companyID):\(keyID):user:\(userID)"
    }
    static func recoveryContext(companyID: Int64, keyID: Int64) -> String { "company-key:\(companyID):\(keyID):recovery" }
    static func successorContext(companyID: Int64, keyID: Int64, successorID: Int64) -> String {
        "company-key:\(companyID):\(keyID):successor:\(successorID)"
    }

    // MARK: - User keys

    /// Gives a user a key pair wrapped by their password; call when the user's first password is set.
    public func enroll(userID: Int64, password: String, now: Date = Date()) async throws {
        let parameters = kdfParameters
        try await database.transaction { connection in
            if try !connection.query("SELECT user_id FROM vault_user_keys WHERE user_id = ? FOR UPDATE", userID).isEmpty {
                throw VaultError.userKeyExists(userID: userID)
            }
            try Self.storeNewUserKey(on: connection, userID: userID, password: password, parameters: parameters, now: now)
        }
    }

    /// Opens a user's private key with their password.
    public func unlockUser(userID: Int64, password: String) async throws -> UnlockedUserKey {
        try await database.withConnection { connection in
            try Self.unlockUser(on: connection, userID: userID, password: password)
        }
    }

    /// Re-wraps the user's private key for a new password. Grants, sessions and documents are untouched.
    public func changePassword(userID: Int64, from oldPassword: String, to newPassword: String, actor: AuditActor, now: Date = Date()) async throws {
        let parameters = kdfParameters
        try await database.transaction { connection in
            let user = try Self.unlockUser(on: connection, userID: userID, password: oldPassword, forUpdate: true)
            let wrap = try Self.passwordWrap(user.privateKey, userID: userID, password: newPassword, parameters: parameters)
            try connection.execute(
                """
                UPDATE vault_user_keys SET wrapped_private_key = ?, kdf_salt = ?, kdf_iterations = ?, kdf_memory_kib = ?,
                    kdf_parallelism = ?, updated_at = ? WHERE user_id = ?
                """,
                wrap.wrapped, wrap.salt, Int(parameters.iterations), Int(parameters.memoryKiB), Int(parameters.parallelism), now, userID)
            try AuditLog.record(
                on: connection, accountID: try Self.accountID(of: userID, on: connection), actor: actor,
                action: .passwordChange, targetType: "user", targetID: String(userID), detail: "vault key re-wrapped", at: now)
        }
    }

    /// An administrator set a new password without knowing the old one: the user gets a new key
    /// pair (enrolled now if they had none), loses every grant and every vault session. When `regrantWith` holds unlocked company
    /// keys (the resetting admin's own), access is granted again at once for those companies.
    public func resetUser(
        userID: Int64, newPassword: String, regrantWith: [UnlockedCompanyKey] = [], actor: AuditActor,
        reason: String = "password reset by an administrator", now: Date = Date()
    ) async throws -> KeyResetOutcome {
        let parameters = kdfParameters
        let lost: [Int64] = try await database.transaction { connection in
            try Self.storeNewUserKey(on: connection, userID: userID, password: newPassword, parameters: parameters, now: now)
            let companies = try connection.query(
                "SELECT DISTINCT company_id FROM company_key_grants WHERE user_id = ? ORDER BY company_id", userID
            ).map { try $0.get("company_id", as: Int64.self) }
            try connection.execute("DELETE FROM company_key_grants WHERE user_id = ?", userID)
            try connection.execute("DELETE FROM vault_sessions WHERE user_id = ?", userID)
            for company in companies {
                try AuditLog.record(
                    on: connection, accountID: company, actor: actor, action: .keyReset, targetType: "user",
                    targetID: String(userID), detail: "\(reason); access pending a new grant", at: now)
            }
            return companies
        }
        var regranted: [Int64] = []
        for unlocked in regrantWith where lost.contains(unlocked.companyID) {
            try await grant(companyID: unlocked.companyID, to: userID, using: unlocked, actor: actor, now: now)
            regranted.append(unlocked.companyID)
        }
        return KeyResetOutcome(pendingCompanies: lost.filter { !regranted.contains($0) }, regrantedCompanies: regranted)
    }

    // MARK: - Company vaults

    /// Creates a company's key pair and recovery key and makes `firstAdminUserID` (already
    /// enrolled, inside the company) the first key holder. Show the returned key once.
    public func createVault(companyID: Int64, firstAdminUserID: Int64, actor: AuditActor, now: Date = Date()) async throws -> RecoveryKey {
        try await database.transaction { connection in
            let kind = try connection.query("SELECT kind FROM accounts WHERE id = ? FOR UPDATE", companyID).first?
                .get("kind", as: String.self)
            guard kind == "company" else { throw VaultError.notACompany(accountID: companyID) }
            if try !connection.query("SELECT company_id FROM company_vaults WHERE company_id = ?", companyID).isEmpty {
                throw VaultError.vaultExists(companyID: companyID)
            }
            let adminPublicKey = try Self.memberPublicKey(on: connection, userID: firstAdminUserID, companyID: companyID)
            let recovery = Curve25519.KeyAgreement.PrivateKey()
            let companyKey = Curve25519.KeyAgreement.PrivateKey()
            try connection.execute(
                "INSERT INTO company_vaults (company_id, mode, recovery_public_key, created_at, updated_at) VALUES (?, 'private', ?, ?, ?)",
                companyID, Array(recovery.publicKey.rawRepresentation), now, now)
            let keyID = try Self.insertActiveKey(
                on: connection, companyID: companyID, key: companyKey, recoveryPublicKey: recovery.publicKey, now: now)
            try Self.insertGrant(
                on: connection, companyID: companyID, keyID: keyID, key: companyKey, userID: firstAdminUserID,
                userPublicKey: adminPublicKey, grantedBy: actor.userID, now: now)
            try AuditLog.record(
                on: connection, accountID: companyID, actor: actor, action: .vaultCreate, targetType: "company_key",
                targetID: String(keyID), detail: "company key pair and recovery key created", at: now)
            return RecoveryKey(privateKey: recovery)
        }
    }

    /// Opens the company's keys with a key holder's unlocked user key.
    public func unlockCompany(companyID: Int64, with user: UnlockedUserKey) async throws -> UnlockedCompanyKey {
        try await database.withConnection { connection in
            let rows = try connection.query(
                """
                SELECT g.sealed_private_key, k.id, k.public_key FROM company_key_grants g
                JOIN company_keys k ON k.id = g.company_key_id
                WHERE g.user_id = ? AND g.company_id = ? AND k.company_id = ? AND k.state = 'active'
                """,
                user.userID, companyID, companyID)
            guard let row = rows.first else { throw VaultError.notAKeyHolder(userID: user.userID, companyID: companyID) }
            let keyID: Int64 = try row.get("id")
            let context = Self.grantContext(companyID: companyID, keyID: keyID, userID: user.userID)
            guard let raw = VaultCipher.open(try row.get("sealed_private_key"), with: user.privateKey, context: context) else {
                throw VaultError.notAKeyHolder(userID: user.userID, companyID: companyID)
            }
            return try Self.unlockChain(
                on: connection, companyID: companyID, activeKeyID: keyID,
                activeKey: try Self.checkedPrivateKey(raw, publicKey: try row.get("public_key")))
        }
    }

    /// Opens the company's keys with the recovery key (after the last holder forgot a password).
    public func unlockCompany(companyID: Int64, recoveryKey: RecoveryKey, actor: AuditActor, now: Date = Date()) async throws -> UnlockedCompanyKey {
        guard let recovery = recoveryKey.privateKey else { throw VaultError.invalidRecoveryKey(companyID: companyID) }
        return try await database.withConnection { connection in
            guard let row = try connection.query(
                "SELECT id, public_key, recovery_sealed_private_key FROM company_keys WHERE company_id = ? AND state = 'active'",
                companyID
            ).first else { throw VaultError.vaultMissing(companyID: companyID) }
            let keyID: Int64 = try row.get("id")
            guard let raw = VaultCipher.open(
                try row.get("recovery_sealed_private_key"), with: recovery,
                context: Self.recoveryContext(companyID: companyID, keyID: keyID))
            else { throw VaultError.invalidRecoveryKey(companyID: companyID) }
            try AuditLog.record(
                on: connection, accountID: companyID, actor: actor, action: .keyRecoveryUse, targetType: "company_key",
                targetID: String(keyID), detail: "company key opened with the recovery key", at: now)
            return try Self.unlockChain(
                on: connection, companyID: companyID, activeKeyID: keyID,
                activeKey: try Self.checkedPrivateKey(raw, publicKey: try row.get("public_key")))
        }
    }

    /// Makes `userID` (enrolled, inside the company) a key holder of the active company key.
    public func grant(companyID: Int64, to userID: Int64, using unlocked: UnlockedCompanyKey, actor: AuditActor, now: Date = Date()) async throws {
        guard unlocked.companyID == companyID, let key = unlocked.privateKeys[unlocked.activeKeyID] else {
            throw VaultError.notAKeyHolder(userID: actor.userID ?? 0, companyID: companyID)
        }
        try await database.transaction { connection in
            let userPublicKey = try Self.memberPublicKey(on: connection, userID: userID, companyID: companyID)
            try Self.requireActive(on: connection, companyID: companyID, keyID: unlocked.activeKeyID)
            try Self.insertGrant(
                on: connection, companyID: companyID, keyID: unlocked.activeKeyID, key: key, userID: userID,
                userPublicKey: userPublicKey, grantedBy: actor.userID, now: now)
            try AuditLog.record(
                on: connection, accountID: companyID, actor: actor, action: .keyGrant, targetType: "user",
                targetID: String(userID), detail: "granted the company key", at: now)
        }
    }

    /// Removes a user's grants (the user left or lost the right to see faxes).
    public func revoke(companyID: Int64, from userID: Int64, actor: AuditActor, now: Date = Date()) async throws {
        try await database.transaction { connection in
            try connection.execute("DELETE FROM company_key_grants WHERE company_id = ? AND user_id = ?", companyID, userID)
            try AuditLog.record(
                on: connection, accountID: companyID, actor: actor, action: .keyRevoke, targetType: "user",
                targetID: String(userID), detail: "company key grant removed", at: now)
        }
    }

    /// Enrolled users of the company who hold no grant of its active key (new users, reset passwords).
    public func pendingUsers(companyID: Int64) async throws -> [Int64] {
        try await database.query(
            """
            SELECT u.id FROM users u
            JOIN accounts a ON a.id = u.account_id
            JOIN accounts c ON c.id = ? AND c.kind = 'company'
            JOIN vault_user_keys v ON v.user_id = u.id
            JOIN company_keys k ON k.company_id = c.id AND k.state = 'active'
            LEFT JOIN company_key_grants g ON g.company_key_id = k.id AND g.user_id = u.id
            WHERE a.path LIKE CONCAT(c.path, '%') AND g.user_id IS NULL
            ORDER BY u.id
            """,
            companyID
        ).map { try $0.get("id", as: Int64.self) }
    }

    /// Users holding the active company key.
    public func holders(companyID: Int64) async throws -> [Int64] {
        try await database.query(
            """
            SELECT g.user_id FROM company_key_grants g JOIN company_keys k ON k.id = g.company_key_id
            WHERE g.company_id = ? AND k.company_id = ? AND k.state = 'active' ORDER BY g.user_id
            """,
            companyID, companyID
        ).map { try $0.get("user_id", as: Int64.self) }
    }

    /// Replaces the company key pair without downtime: the new key is sealed to every current
    /// holder and to the recovery key; the old private key is sealed to the new one, so every
    /// document stays readable (and `DocumentStore.resealDocuments` may move them over later).
    public func rotate(companyID: Int64, using unlocked: UnlockedCompanyKey, actor: AuditActor, now: Date = Date()) async throws -> UnlockedCompanyKey {
        guard unlocked.companyID == companyID, let oldKey = unlocked.privateKeys[unlocked.activeKeyID] else {
            throw VaultError.notAKeyHolder(userID: actor.userID ?? 0, companyID: companyID)
        }
        return try await database.transaction { connection in
            guard let vault = try connection.query(
                "SELECT recovery_public_key FROM company_vaults WHERE company_id = ? FOR UPDATE", companyID
            ).first else { throw VaultError.vaultMissing(companyID: companyID) }
            try Self.requireActive(on: connection, companyID: companyID, keyID: unlocked.activeKeyID)
            let recoveryPublicKey = try VaultCipher.publicKey(try vault.get("recovery_public_key"), what: "recovery public key")
            let newKey = Curve25519.KeyAgreement.PrivateKey()
            let newID = try Self.insertActiveKey(on: connection, companyID: companyID, key: newKey, recoveryPublicKey: recoveryPublicKey, now: now)
            let holders = try connection.query(
                """
                SELECT g.user_id, v.public_key FROM company_key_grants g JOIN vault_user_keys v ON v.user_id = g.user_id
                WHERE g.company_key_id = ?
                """,
                unlocked.activeKeyID)
            for holder in holders {
                let userID: Int64 = try holder.get("user_id")
                try Self.insertGrant(
                    on: connection, companyID: companyID, keyID: newID, key: newKey, userID: userID,
                    userPublicKey: try VaultCipher.publicKey(try holder.get("public_key"), what: "user public key"),
                    grantedBy: actor.userID, now: now)
            }
            let sealedOld = try VaultCipher.seal(
                Array(oldKey.rawRepresentation), to: newKey.publicKey,
                context: Self.successorContext(companyID: companyID, keyID: unlocked.activeKeyID, successorID: newID))
            try connection.execute(
                """
                UPDATE company_keys SET state = 'retired', successor_id = ?, successor_sealed_private_key = ?, retired_at = ?
                WHERE id = ? AND company_id = ?
                """,
                newID, sealedOld, now, unlocked.activeKeyID, companyID)
            try connection.execute("DELETE FROM company_key_grants WHERE company_key_id = ?", unlocked.activeKeyID)
            try AuditLog.record(
                on: connection, accountID: companyID, actor: actor, action: .keyRotate, targetType: "company_key",
                targetID: String(newID), detail: "company key \(unlocked.activeKeyID) retired, \(holders.count) holders re-sealed", at: now)
            var keys = unlocked.privateKeys
            keys[newID] = newKey
            return UnlockedCompanyKey(companyID: companyID, activeKeyID: newID, privateKeys: keys)
        }
    }

    /// Deletes retired company keys that no document is sealed to any more (after
    /// `DocumentStore.resealDocuments` moved them), oldest first so the successor chain stays
    /// intact. Once deleted, a leaked copy of an old key opens nothing. Returns how many.
    @discardableResult
    public func dropUnusedRetiredKeys(companyID: Int64, actor: AuditActor, now: Date = Date()) async throws -> Int {
        try await database.transaction { connection in
            let retired = try connection.query(
                "SELECT id FROM company_keys WHERE company_id = ? AND state = 'retired' ORDER BY id FOR UPDATE", companyID
            ).map { try $0.get("id", as: Int64.self) }
            var dropped = 0
            for id in retired {
                let used = try connection.query(
                    """
                    SELECT (SELECT COUNT(*) FROM documents WHERE company_id = ? AND company_key_id = ?)
                         + (SELECT COUNT(*) FROM company_keys WHERE company_id = ? AND successor_id = ?) AS n
                    """,
                    companyID, id, companyID, id)
                guard try used.first?.get("n", as: Int.self) == 0 else { continue }
                try connection.execute("DELETE FROM company_keys WHERE id = ? AND company_id = ? AND state = 'retired'", id, companyID)
                dropped += 1
            }
            if dropped > 0 {
                try AuditLog.record(
                    on: connection, accountID: companyID, actor: actor, action: .keyRotate, targetType: "company",
                    targetID: String(companyID), detail: "\(dropped) retired company keys deleted", at: now)
            }
            return dropped
        }
    }

    /// Issues a new recovery key (the old one stops opening the active key). Show it once.
    public func replaceRecoveryKey(companyID: Int64, using unlocked: UnlockedCompanyKey, actor: AuditActor, now: Date = Date()) async throws -> RecoveryKey {
        guard unlocked.companyID == companyID, let key = unlocked.privateKeys[unlocked.activeKeyID] else {
            throw VaultError.notAKeyHolder(userID: actor.userID ?? 0, companyID: companyID)
        }
        return try await database.transaction { connection in
            try Self.requireActive(on: connection, companyID: companyID, keyID: unlocked.activeKeyID)
            let recovery = Curve25519.KeyAgreement.PrivateKey()
            try connection.execute(
                "UPDATE company_vaults SET recovery_public_key = ?, updated_at = ? WHERE company_id = ?",
                Array(recovery.publicKey.rawRepresentation), now, companyID)
            try connection.execute(
                "UPDATE company_keys SET recovery_sealed_private_key = ? WHERE id = ? AND company_id = ?",
                try VaultCipher.seal(
                    Array(key.rawRepresentation), to: recovery.publicKey,
                    context: Self.recoveryContext(companyID: companyID, keyID: unlocked.activeKeyID)),
                unlocked.activeKeyID, companyID)
            try AuditLog.record(
                on: connection, accountID: companyID, actor: actor, action: .keyRecoveryReplace, targetType: "company_key",
                targetID: String(unlocked.activeKeyID), detail: "recovery key replaced", at: now)
            return RecoveryKey(privateKey: recovery)
        }
    }

    // MARK: - Helpers

    struct PasswordWrap {
        let wrapped: [UInt8]
        let salt: [UInt8]
    }

    static func passwordWrap(
        _ key: Curve25519.KeyAgreement.PrivateKey, userID: Int64, password: String, parameters: Argon2id.Parameters
    ) throws -> PasswordWrap {
        let salt = VaultCipher.randomBytes(16)
        let derived = try Argon2id.derive(password: Array(password.utf8), salt: salt, parameters: parameters)
        let wrapped = try VaultCipher.wrap(
            Array(key.rawRepresentation), with: SymmetricKey(data: derived), context: userWrapContext(userID: userID))
        return PasswordWrap(wrapped: wrapped, salt: salt)
    }

    /// Creates a key pair for the user wrapped by `password`, replacing any previous one.
    static func storeNewUserKey(
        on connection: DatabaseConnection, userID: Int64, password: String, parameters: Argon2id.Parameters, now: Date
    ) throws {
        let privateKey = Curve25519.KeyAgreement.PrivateKey()
        let wrap = try passwordWrap(privateKey, userID: userID, password: password, parameters: parameters)
        try connection.execute(
            """
            INSERT INTO vault_user_keys (user_id, public_key, wrapped_private_key, kdf_salt, kdf_iterations,
                kdf_memory_kib, kdf_parallelism, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON DUPLICATE KEY UPDATE public_key = VALUES(public_key), wrapped_private_key = VALUES(wrapped_private_key),
                kdf_salt = VALUES(kdf_salt), kdf_iterations = VALUES(kdf_iterations), kdf_memory_kib = VALUES(kdf_memory_kib),
                kdf_parallelism = VALUES(kdf_parallelism), updated_at = VALUES(updated_at)
            """,
            userID, Array(privateKey.publicKey.rawRepresentation), wrap.wrapped, wrap.salt,
            Int(parameters.iterations), Int(parameters.memoryKiB), Int(parameters.parallelism), now, now)
    }

    static func unlockUser(on connection: DatabaseConnection, userID: Int64, password: String, forUpdate: Bool = false) throws -> UnlockedUserKey {
        let sql = """
            SELECT public_key, wrapped_private_key, kdf_salt, kdf_iterations, kdf_memory_kib, kdf_parallelism
            FROM vault_user_keys WHERE user_id = ?
            """ + (forUpdate ? " FOR UPDATE" : "")
        guard let row = try connection.query(sql, userID).first else { throw VaultError.userKeyMissing(userID: userID) }
        let parameters = Argon2id.Parameters(
            iterations: UInt32(try row.get("kdf_iterations", as: Int.self)),
            memoryKiB: UInt32(try row.get("kdf_memory_kib", as: Int.self)),
            parallelism: UInt32(try row.get("kdf_parallelism", as: Int.self)))
        let derived = try Argon2id.derive(password: Array(password.utf8), salt: try row.get("kdf_salt"), parameters: parameters)
        guard let raw = VaultCipher.unwrap(
            try row.get("wrapped_private_key"), with: SymmetricKey(data: derived), context: userWrapContext(userID: userID))
        else { throw VaultError.wrongPassword(userID: userID) }
        return UnlockedUserKey(userID: userID, privateKey: try checkedPrivateKey(raw, publicKey: try row.get("public_key")))
    }

    /// A private key whose public half must match the stored one (a swapped row fails here).
    static func checkedPrivateKey(_ raw: [UInt8], publicKey: [UInt8]) throws(VaultError) -> Curve25519.KeyAgreement.PrivateKey {
        let key = try VaultCipher.privateKey(raw, what: "private key")
        guard Array(key.publicKey.rawRepresentation) == publicKey else {
            throw .corruptKeyMaterial(what: "private key does not match its public key")
        }
        return key
    }

    /// Walks from the active key to every retired key through the successor seals.
    static func unlockChain(
        on connection: DatabaseConnection, companyID: Int64, activeKeyID: Int64, activeKey: Curve25519.KeyAgreement.PrivateKey
    ) throws -> UnlockedCompanyKey {
        var keys = [activeKeyID: activeKey]
        let retired = try connection.query(
            """
            SELECT id, public_key, successor_id, successor_sealed_private_key FROM company_keys
            WHERE company_id = ? AND state = 'retired' ORDER BY id DESC
            """,
            companyID)
        var progress = true
        while progress {
            progress = false
            for row in retired {
                let id: Int64 = try row.get("id")
                guard keys[id] == nil, let successor: Int64 = try row.optional("successor_id"),
                    let successorKey = keys[successor],
                    let raw = VaultCipher.open(
                        try row.get("successor_sealed_private_key"), with: successorKey,
                        context: successorContext(companyID: companyID, keyID: id, successorID: successor))
                else { continue }
                keys[id] = try checkedPrivateKey(raw, publicKey: try row.get("public_key"))
                progress = true
            }
        }
        return UnlockedCompanyKey(companyID: companyID, activeKeyID: activeKeyID, privateKeys: keys)
    }

    /// The public key of an enrolled user who belongs to the company's subtree.
    static func memberPublicKey(on connection: DatabaseConnection, userID: Int64, companyID: Int64) throws -> Curve25519.KeyAgreement.PublicKey {
        let rows = try connection.query(
            """
            SELECT v.public_key FROM users u
            JOIN accounts a ON a.id = u.account_id
            JOIN accounts c ON c.id = ? AND c.kind = 'company'
            LEFT JOIN vault_user_keys v ON v.user_id = u.id
            WHERE u.id = ? AND a.path LIKE CONCAT(c.path, '%')
            """,
            companyID, userID)
        guard let row = rows.first else { throw VaultError.userOutsideCompany(userID: userID, companyID: companyID) }
        guard let raw: [UInt8] = try row.optional("public_key") else { throw VaultError.userKeyMissing(userID: userID) }
        return try VaultCipher.publicKey(raw, what: "user public key")
    }

    static func accountID(of userID: Int64, on connection: DatabaseConnection) throws -> Int64 {
        guard let row = try connection.query("SELECT account_id FROM users WHERE id = ?", userID).first else {
            throw VaultError.userKeyMissing(userID: userID)
        }
        return try row.get("account_id")
    }

    static func requireActive(on connection: DatabaseConnection, companyID: Int64, keyID: Int64) throws {
        let rows = try connection.query(
            "SELECT id FROM company_keys WHERE id = ? AND company_id = ? AND state = 'active' FOR UPDATE", keyID, companyID)
        guard !rows.isEmpty else {
            throw VaultError.corruptKeyMaterial(what: "company key \(keyID) is no longer active; unlock again")
        }
    }

    static func insertActiveKey(
        on connection: DatabaseConnection, companyID: Int64, key: Curve25519.KeyAgreement.PrivateKey,
        recoveryPublicKey: Curve25519.KeyAgreement.PublicKey, now: Date
    ) throws -> Int64 {
        let inserted = try connection.execute(
            """
            INSERT INTO company_keys (company_id, public_key, state, recovery_sealed_private_key, created_at)
            VALUES (?, ?, 'active', '', ?)
            """,
            companyID, Array(key.publicKey.rawRepresentation), now)
        let keyID = Int64(inserted.lastInsertID)
        try connection.execute(
            "UPDATE company_keys SET recovery_sealed_private_key = ? WHERE id = ?",
            try VaultCipher.seal(
                Array(key.rawRepresentation), to: recoveryPublicKey, context: recoveryContext(companyID: companyID, keyID: keyID)),
            keyID)
        return keyID
    }

    static func insertGrant(
        on connection: DatabaseConnection, companyID: Int64, keyID: Int64, key: Curve25519.KeyAgreement.PrivateKey,
        userID: Int64, userPublicKey: Curve25519.KeyAgreement.PublicKey, grantedBy: Int64?, now: Date
    ) throws {
        let sealed = try VaultCipher.seal(
            Array(key.rawRepresentation), to: userPublicKey, context: grantContext(companyID: companyID, keyID: keyID, userID: userID))
        try connection.execute(
            """
            INSERT INTO company_key_grants (company_key_id, user_id, company_id, sealed_private_key, granted_by_user_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON DUPLICATE KEY UPDATE sealed_private_key = VALUES(sealed_private_key),
                granted_by_user_id = VALUES(granted_by_user_id), created_at = VALUES(created_at)
            """,
            keyID, userID, companyID, sealed, grantedBy, now)
    }
}
