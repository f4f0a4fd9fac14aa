import Foundation
import PagewireCore

/// A small account tree for vault tests: platform → reseller → companies (with a department),
/// users with vault keys, a company vault, and a transit key file in a temporary directory.
struct VaultFixture {
    let test: TestDatabase
    let vault: Vault
    let transit: TransitKeyring
    let directory: String
    let platformID: Int64
    let resellerID: Int64
    var database: Database { test.database }

    static let now = Date(timeIntervalSince1970: 1_780_000_000)

    static func with<T>(_ body: (VaultFixture) async throws -> T) async throws -> T {
        try await TestDatabase.with { test in
            let directory = NSTemporaryDirectory() + "pw-vault-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let transit = try TransitKeyring.loadOrCreate(path: directory + "/keys/transit.key")
            let platform = try await insertAccount(test.database, parent: nil, kind: "platform", name: "Platform")
            let reseller = try await insertAccount(test.database, parent: platform, kind: "reseller", name: "Reseller")
            let fixture = VaultFixture(
                test: test, vault: Vault(database: test.database, transit: transit, kdfParameters: .testing),
                transit: transit, directory: directory, platformID: platform.id, resellerID: reseller.id)
            return try await body(fixture)
        }
    }

    struct Account {
        let id: Int64
        let path: String
    }

    static func insertAccount(_ database: Database, parent: Account?, kind: String, name: String, company: Int64? = nil) async throws -> Account {
        let temporary = "/tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 36) + "/"
        let inserted = try await database.execute(
            "INSERT INTO accounts (parent_id, kind, name, path, company_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            parent?.id, kind, name, temporary, company, now)
        let id = Int64(inserted.lastInsertID)
        let path = (parent?.path ?? "/") + "\(id)/"
        try await database.execute(
            "UPDATE accounts SET path = ?, company_id = ? WHERE id = ?", path, kind == "company" ? id : company, id)
        return Account(id: id, path: path)
    }

    func user(in account: Account, name: String, password: String? = nil) async throws -> Int64 {
        let inserted = try await database.execute(
            "INSERT INTO users (account_id, username, email, created_at) VALUES (?, ?, ?, ?)",
            account.id, name + "-" + String(account.id), name + "@example.test", Self.now)
        let id = Int64(inserted.lastInsertID)
        if let password { try await vault.keyring.enroll(userID: id, password: password, now: Self.now) }
        return id
    }

    /// A company with an enrolled admin who holds its key; returns the recovery key too.
    func company(_ name: String, adminPassword: String = "admin-pw") async throws -> (account: Account, admin: Int64, recovery: RecoveryKey) {
        let reseller = Account(id: resellerID, path: "/\(platformID)/\(resellerID)/")
        let account = try await Self.insertAccount(database, parent: reseller, kind: "company", name: name)
        let admin = try await user(in: account, name: "admin", password: adminPassword)
        let recovery = try await vault.keyring.createVault(
            companyID: account.id, firstAdminUserID: admin, actor: .user(admin, label: "admin"), now: Self.now)
        return (account, admin, recovery)
    }

    func unlock(companyID: Int64, userID: Int64, password: String) async throws -> UnlockedCompanyKey {
        let user = try await vault.keyring.unlockUser(userID: userID, password: password)
        return try await vault.keyring.unlockCompany(companyID: companyID, with: user)
    }

    /// A PDF-like byte string with distinctive text repeated so it spans several chunks.
    static func samplePDF(size: Int) -> [UInt8] {
        var bytes = Array("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n".utf8)
        var n = 0
        while bytes.count < size {
            bytes += Array("BT /F1 12 Tf (PATIENT-RECORD-\(n) Jane Roe DOB 1970-01-01 MRN 4711-\(n * 7)) Tj ET\n".utf8)
            n += 1
        }
        return Array(bytes.prefix(size)) + Array("\n%%EOF\n".utf8)
    }
}
