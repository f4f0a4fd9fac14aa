import Foundation
import PagewireCore
import Testing

@Suite("Vault keyring")
struct VaultKeyringTests {
    static let pdf = Array("%PDF-1.7 kept across key changes".utf8)

    @Test func passwordChangeReWrapsAndOldDocumentsStayReadable() async throws {
        try await VaultFixture.with { f in
            // setup
            let (company, admin, _) = try await f.company("Acme")
            let doc = try await f.vault.documents.put(companyID: company.id, accountID: company.id, kind: .original, contentType: "application/pdf", bytes: Self.pdf)
            // act
            try await f.vault.keyring.changePassword(userID: admin, from: "admin-pw", to: "new-pw", actor: .user(admin, label: "admin"))
            // check
            await #expect(throws: VaultError.wrongPassword(userID: admin)) { _ = try await f.vault.keyring.unlockUser(userID: admin, password: "admin-pw") }
            let key = try await f.unlock(companyID: company.id, userID: admin, password: "new-pw")
            #expect(try await f.vault.documents.read(doc.id, companyID: company.id, reader: .user(key, actor: .user(admin, label: "a"))) == Self.pdf)
            await #expect(throws: VaultError.wrongPassword(userID: admin)) {
                try await f.vault.keyring.changePassword(userID: admin, from: "wrong", to: "x", actor: .user(admin, label: "admin"))
            }
            #expect(try await f.vault.audit.entries(scopePath: company.path, filter: AuditFilter(actions: [.passwordChange])).count == 1)
        }
    }

    @Test func adminResetGrantsAccessAgainOnlyThroughAKeyHolderOrTheRecoveryKey() async throws {
        try await VaultFixture.with { f in
            // setup: a department user who holds the key
            let (company, admin, recovery) = try await f.company("Acme")
            let department = try await VaultFixture.insertAccount(f.database, parent: company, kind: "department", name: "Billing", company: company.id)
            let clerk = try await f.user(in: department, name: "clerk", password: "clerk-pw")
            let adminActor = AuditActor.user(admin, label: "admin")
            var adminKey = try await f.unlock(companyID: company.id, userID: admin, password: "admin-pw")
            #expect(try await f.vault.keyring.pendingUsers(companyID: company.id) == [clerk])
            try await f.vault.keyring.grant(companyID: company.id, to: clerk, using: adminKey, actor: adminActor)
            #expect(try await f.vault.keyring.pendingUsers(companyID: company.id).isEmpty)
            let doc = try await f.vault.documents.put(companyID: company.id, accountID: department.id, kind: .original, contentType: "application/pdf", bytes: Self.pdf)

            // act 1: an admin resets the clerk's password
            let outcome = try await f.vault.keyring.resetUser(userID: clerk, newPassword: "clerk-new", actor: adminActor)
            // check: the clerk can sign in with the new password but holds no key yet; nothing is lost
            #expect(outcome.pendingCompanies == [company.id])
            let clerkUser = try await f.vault.keyring.unlockUser(userID: clerk, password: "clerk-new")
            await #expect(throws: VaultError.notAKeyHolder(userID: clerk, companyID: company.id)) {
                _ = try await f.vault.keyring.unlockCompany(companyID: company.id, with: clerkUser)
            }
            #expect(try await f.vault.keyring.pendingUsers(companyID: company.id) == [clerk])
            // another key holder grants again
            try await f.vault.keyring.grant(companyID: company.id, to: clerk, using: adminKey, actor: adminActor)
            let clerkKey = try await f.vault.keyring.unlockCompany(companyID: company.id, with: clerkUser)
            #expect(try await f.vault.documents.read(doc.id, companyID: company.id, reader: .user(clerkKey, actor: .user(clerk, label: "c"))) == Self.pdf)

            // act 2: the only admin's password is reset too; the clerk revoked: only the recovery key is left
            try await f.vault.keyring.revoke(companyID: company.id, from: clerk, actor: adminActor)
            _ = try await f.vault.keyring.resetUser(userID: admin, newPassword: "admin-new", actor: .system("support"))
            let adminUser = try await f.vault.keyring.unlockUser(userID: admin, password: "admin-new")
            await #expect(throws: VaultError.self) { _ = try await f.vault.keyring.unlockCompany(companyID: company.id, with: adminUser) }
            await #expect(throws: VaultError.invalidRecoveryKey(companyID: company.id)) {
                _ = try await f.vault.keyring.unlockCompany(companyID: company.id, recoveryKey: RecoveryKey(text: "PWRK1-00000000"), actor: adminActor)
            }
            // check: the recovery key (as typed, lower case with spaces) restores access
            let typed = RecoveryKey(text: recovery.text.lowercased().replacingOccurrences(of: "-", with: " "))
            adminKey = try await f.vault.keyring.unlockCompany(companyID: company.id, recoveryKey: typed, actor: adminActor)
            try await f.vault.keyring.grant(companyID: company.id, to: admin, using: adminKey, actor: adminActor)
            let again = try await f.vault.keyring.unlockCompany(companyID: company.id, with: adminUser)
            #expect(try await f.vault.documents.read(doc.id, companyID: company.id, reader: .user(again, actor: adminActor)) == Self.pdf)
            #expect(!recovery.description.contains(recovery.text.suffix(8)))
            let actions = try await f.vault.audit.entries(scopePath: company.path).map(\.action)
            #expect(actions.contains(AuditAction.keyRecoveryUse.rawValue) && actions.contains(AuditAction.keyReset.rawValue))

            // act 3: a reset by an admin who holds the key regrants at once
            let regrant = try await f.vault.keyring.resetUser(userID: clerk, newPassword: "clerk-3", regrantWith: [again], actor: adminActor)
            #expect(regrant == KeyResetOutcome(pendingCompanies: [], regrantedCompanies: []))
            try await f.vault.keyring.grant(companyID: company.id, to: clerk, using: again, actor: adminActor)
            let regrant2 = try await f.vault.keyring.resetUser(userID: clerk, newPassword: "clerk-4", regrantWith: [again], actor: adminActor)
            #expect(regrant2 == KeyResetOutcome(pendingCompanies: [], regrantedCompanies: [company.id]))
            _ = try await f.unlock(companyID: company.id, userID: clerk, password: "clerk-4")

            // A reset of a user who never had a vault key enrols them.
            let newcomer = try await f.user(in: company, name: "newcomer")
            let none = try await f.vault.keyring.resetUser(userID: newcomer, newPassword: "n-pw", actor: adminActor)
            #expect(none == KeyResetOutcome(pendingCompanies: [], regrantedCompanies: []))
            #expect(try await f.vault.keyring.pendingUsers(companyID: company.id) == [newcomer])
        }
    }

    @Test func operatorsAndResellerStaffCannotBecomeKeyHolders() async throws {
        try await VaultFixture.with { f in
            // setup
            let (company, admin, _) = try await f.company("Acme")
            let operatorUser = try await f.user(in: VaultFixture.Account(id: f.platformID, path: "/\(f.platformID)/"), name: "op", password: "op-pw")
            let resellerUser = try await f.user(in: VaultFixture.Account(id: f.resellerID, path: "/\(f.platformID)/\(f.resellerID)/"), name: "rs", password: "rs-pw")
            let key = try await f.unlock(companyID: company.id, userID: admin, password: "admin-pw")
            // act + check
            for outsider in [operatorUser, resellerUser] {
                await #expect(throws: VaultError.userOutsideCompany(userID: outsider, companyID: company.id)) {
                    try await f.vault.keyring.grant(companyID: company.id, to: outsider, using: key, actor: .user(admin, label: "admin"))
                }
                let user = try await f.vault.keyring.unlockUser(userID: outsider, password: outsider == operatorUser ? "op-pw" : "rs-pw")
                await #expect(throws: VaultError.notAKeyHolder(userID: outsider, companyID: company.id)) {
                    _ = try await f.vault.keyring.unlockCompany(companyID: company.id, with: user)
                }
            }
            await #expect(throws: VaultError.notACompany(accountID: f.resellerID)) {
                _ = try await f.vault.keyring.createVault(companyID: f.resellerID, firstAdminUserID: resellerUser, actor: .system("t"))
            }
        }
    }

    @Test func companyKeyRotationKeepsEveryDocumentReadable() async throws {
        try await VaultFixture.with { f in
            // setup
            let (company, admin, recovery) = try await f.company("Acme")
            let clerk = try await f.user(in: company, name: "clerk", password: "clerk-pw")
            let actor = AuditActor.user(admin, label: "admin")
            let key = try await f.unlock(companyID: company.id, userID: admin, password: "admin-pw")
            try await f.vault.keyring.grant(companyID: company.id, to: clerk, using: key, actor: actor)
            let before = try await f.vault.documents.put(companyID: company.id, accountID: company.id, kind: .original, contentType: "application/pdf", bytes: Array("before".utf8))
            // act: rotate twice, with a document in between
            let rotated = try await f.vault.keyring.rotate(companyID: company.id, using: key, actor: actor)
            let middle = try await f.vault.documents.put(companyID: company.id, accountID: company.id, kind: .original, contentType: "application/pdf", bytes: Array("middle".utf8))
            _ = try await f.vault.keyring.rotate(companyID: company.id, using: rotated, actor: actor)
            let after = try await f.vault.documents.put(companyID: company.id, accountID: company.id, kind: .original, contentType: "application/pdf", bytes: Array("after".utf8))
            // check: every holder and the recovery key read all three
            let stale = key
            await #expect(throws: VaultError.self) { _ = try await f.vault.keyring.rotate(companyID: company.id, using: stale, actor: actor) }
            let viaClerk = try await f.unlock(companyID: company.id, userID: clerk, password: "clerk-pw")
            let viaAdmin = try await f.unlock(companyID: company.id, userID: admin, password: "admin-pw")
            let viaRecovery = try await f.vault.keyring.unlockCompany(companyID: company.id, recoveryKey: recovery, actor: actor)
            #expect(viaClerk.keyIDs.count == 3)
            for unlocked in [viaClerk, viaAdmin, viaRecovery] {
                for (doc, text) in [(before, "before"), (middle, "middle"), (after, "after")] {
                    #expect(try await f.vault.documents.read(doc.id, companyID: company.id, reader: .user(unlocked, actor: actor)) == Array(text.utf8))
                }
            }
            // act: move old documents onto the active key, in batches
            var moved = 0
            while true {
                let n = try await f.vault.documents.resealDocuments(companyID: company.id, using: viaAdmin, batch: 1)
                if n == 0 { break }
                moved += n
            }
            #expect(moved == 2)
            let keys = try await f.database.query("SELECT DISTINCT company_key_id FROM documents WHERE company_id = ?", company.id)
            #expect(keys.count == 1)
            #expect(try await f.vault.documents.read(before.id, companyID: company.id, reader: .user(viaClerk, actor: actor)) == Array("before".utf8))
            // act: the retired keys now seal nothing and can go
            #expect(try await f.vault.keyring.dropUnusedRetiredKeys(companyID: company.id, actor: actor) == 2)
            // check
            let fresh = try await f.unlock(companyID: company.id, userID: clerk, password: "clerk-pw")
            #expect(fresh.keyIDs.count == 1)
            for (doc, text) in [(before, "before"), (middle, "middle"), (after, "after")] {
                #expect(try await f.vault.documents.read(doc.id, companyID: company.id, reader: .user(fresh, actor: actor)) == Array(text.utf8))
            }
        }
    }

    @Test func transitKeyRotationWithoutDowntime() async throws {
        try await VaultFixture.with { f in
            // setup: a second process that loaded the key file before the rotation
            let (company, _, _) = try await f.company("Acme")
            let otherProcess = DocumentStore(database: f.database, transit: try TransitKeyring.loadOrCreate(path: f.transit.path))
            let old = try await f.vault.documents.put(companyID: company.id, accountID: company.id, kind: .faxTIFF, contentType: "image/tiff", bytes: Array("old".utf8))
            let oldKeyID = f.transit.currentKeyID
            // act
            let newKeyID = try f.transit.rotate()
            let new = try await f.vault.documents.put(companyID: company.id, accountID: company.id, kind: .faxTIFF, contentType: "image/tiff", bytes: Array("new".utf8))
            // check: both processes read both documents meanwhile
            #expect(newKeyID != oldKeyID)
            for store in [f.vault.documents, otherProcess] {
                #expect(try await store.read(old.id, companyID: company.id, reader: .system(purpose: "send")) == Array("old".utf8))
                #expect(try await store.read(new.id, companyID: company.id, reader: .system(purpose: "send")) == Array("new".utf8))
            }
            // act: re-wrap, then retire the old key
            while try await f.vault.documents.rewrapTransitCopies(batch: 1) > 0 {}
            #expect(try await f.vault.documents.transitKeyIDsInUse() == [newKeyID])
            try f.transit.retire(keeping: try await f.vault.documents.transitKeyIDsInUse())
            // check
            #expect(f.transit.keyIDs == [newKeyID])
            try otherProcess.transit.reload()
            #expect(try await otherProcess.read(old.id, companyID: company.id, reader: .system(purpose: "send")) == Array("old".utf8))
        }
    }

    @Test func transitKeyFileIsCreatedOwnerOnlyAndRefusedWhenLoose() throws {
        let path = NSTemporaryDirectory() + "pw-transit-" + String(UInt64.random(in: 0...UInt64.max), radix: 36) + "/keys/transit.key"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        // act
        let first = try TransitKeyring.loadOrCreate(path: path)
        let again = try TransitKeyring.loadOrCreate(path: path)
        // check
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode & 0o777 == 0o600)
        #expect(first.currentKeyID == again.currentKeyID)
        chmod(path, 0o644)
        #expect(throws: VaultError.self) { _ = try TransitKeyring.loadOrCreate(path: path) }
    }

    @Test func vaultOpenCreatesTheConfiguredTransitKeyFile() async throws {
        try await VaultFixture.with { f in
            let path = f.directory + "/configured/transit.key"
            let configuration = try Configuration(fileValues: [:], environment: [
                "PAGEWIRE_DATABASE_URL": "mariadb://u:p@127.0.0.1:1/x", "PAGEWIRE_VAULT_TRANSIT_KEY_FILE": path,
            ])
            _ = try Vault.open(database: f.database, configuration: configuration)
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            #expect(mode & 0o777 == 0o600)
        }
    }

    @Test func sessionTokenHoldsTheUnlockedKeyWithoutStoringItInClear() async throws {
        try await VaultFixture.with { f in
            // setup
            let (company, admin, _) = try await f.company("Acme")
            let doc = try await f.vault.documents.put(companyID: company.id, accountID: company.id, kind: .original, contentType: "application/pdf", bytes: Self.pdf)
            let user = try await f.vault.keyring.unlockUser(userID: admin, password: "admin-pw")
            // act
            let token = try await f.vault.sessions.open(user, lifetime: 3600, now: VaultFixture.now)
            let fromSession = try await f.vault.sessions.unlock(token: token, now: VaultFixture.now.addingTimeInterval(60))
            let key = try await f.vault.keyring.unlockCompany(companyID: company.id, with: fromSession)
            // check
            #expect(try await f.vault.documents.read(
                doc.id, companyID: company.id, reader: .user(key, actor: .user(admin, label: "a", ip: "203.0.113.5"), action: .documentDownload)
            ) == Self.pdf)
            let views = try await f.vault.audit.entries(scopePath: company.path, filter: AuditFilter(actions: [.documentDownload]))
            #expect(views.count == 1 && views[0].actor.ip == "203.0.113.5" && views[0].targetID == String(doc.id))
            // A password change leaves the session working (it wraps the same user key).
            try await f.vault.keyring.changePassword(userID: admin, from: "admin-pw", to: "changed", actor: .user(admin, label: "a"))
            _ = try await f.vault.keyring.unlockCompany(
                companyID: company.id, with: try await f.vault.sessions.unlock(token: token, now: VaultFixture.now))
            var forged = Array(token)
            forged[forged.count - 3] = forged[forged.count - 3] == "A" ? "B" : "A"
            await #expect(throws: VaultError.sessionInvalid) { _ = try await f.vault.sessions.unlock(token: String(forged), now: VaultFixture.now) }
            await #expect(throws: VaultError.sessionInvalid) {
                _ = try await f.vault.sessions.unlock(token: token, now: VaultFixture.now.addingTimeInterval(7200))
            }
            try await f.vault.sessions.close(token: token)
            await #expect(throws: VaultError.sessionInvalid) { _ = try await f.vault.sessions.unlock(token: token, now: VaultFixture.now) }
        }
    }
}
