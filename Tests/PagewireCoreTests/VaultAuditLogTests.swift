import Foundation
import PagewireCore
import Testing

@Suite("Vault audit log")
struct VaultAuditLogTests {
    @Test func subtreeQueryFiltersAndCSV() async throws {
        try await VaultFixture.with { f in
            // setup
            let (acme, acmeAdmin, _) = try await f.company("Acme")
            let (globex, globexAdmin, _) = try await f.company("Globex")
            let audit = f.vault.audit
            let t0 = VaultFixture.now
            try await audit.record(accountID: acme.id, actor: .user(acmeAdmin, label: "ann", ip: "192.0.2.10"), action: .signIn, at: t0 + 10)
            try await audit.record(accountID: acme.id, actor: .user(acmeAdmin, label: "ann", ip: "192.0.2.10"), action: .settingsChange,
                                   targetType: "setting", targetID: "fax.inbound_type", detail: "=HYPERLINK(\"x\"), \"quoted\"", at: t0 + 60)
            try await audit.record(accountID: globex.id, actor: .user(globexAdmin, label: "gus", ip: "198.51.100.7"), action: .signIn, at: t0 + 120)
            // act
            let resellerView = try await audit.entries(scopePath: "/\(f.platformID)/\(f.resellerID)/", filter: AuditFilter(actions: [.signIn]))
            let acmeView = try await audit.entries(scopePath: acme.path, filter: AuditFilter(from: t0 + 1, until: t0 + 3600))
            let byUser = try await audit.entries(scopePath: "/", filter: AuditFilter(actorUserID: globexAdmin, ip: "198.51.100.7"))
            let csv = try await audit.csv(scopePath: acme.path, filter: AuditFilter(from: t0 + 1))
            // check
            #expect(resellerView.map(\.accountID) == [globex.id, acme.id])
            #expect(acmeView.map(\.action) == [AuditAction.settingsChange.rawValue, AuditAction.signIn.rawValue])
            #expect(acmeView.allSatisfy { $0.accountID == acme.id })
            #expect(byUser.count == 1 && byUser[0].actor.label == "gus")
            let lines = csv.split(separator: "\r\n")
            #expect(lines.count == 3)
            #expect(lines[0] == "time,account_id,actor_kind,actor_user_id,actor,ip,action,target_type,target_id,detail")
            #expect(lines[1].hasSuffix(",settings.change,setting,fax.inbound_type,\"'=HYPERLINK(\"\"x\"\"), \"\"quoted\"\"\""))
        }
    }

    @Test func rowsCannotBeChangedOrDeleted() async throws {
        try await VaultFixture.with { f in
            let (acme, admin, _) = try await f.company("Acme")
            try await f.vault.audit.record(accountID: acme.id, actor: .user(admin, label: "ann"), action: .signIn)
            await #expect(throws: DatabaseError.self) { try await f.database.execute("UPDATE audit_log SET detail = 'x'") }
            await #expect(throws: DatabaseError.self) { try await f.database.execute("DELETE FROM audit_log") }
            #expect(try await f.vault.audit.entries(scopePath: acme.path).count == 2)
        }
    }
}
