import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing
@testable import Web

@Suite("Audit log API")
struct AuditLogAPITests {
    @Test func anAdministratorSearchesAndExportsTheirSubtreeOnly() async throws {
        try await APIFixture.with { f, client in
            // setup: a download in company A, a settings change in each company
            let settings = SettingsRepository(database: f.database)
            try await settings.set(Settings.retentionDays, to: 14, atAccount: f.departmentA.id, scope: f.companyA.scope,
                                   by: .user(f.adminA.id, label: "admin@clinic-a.test", ip: "192.0.2.10"))
            try await settings.set(Settings.retentionDays, to: 21, atAccount: f.companyB.id, scope: f.companyB.scope,
                                   by: .user(f.bob.id, label: "bob@law-b.test", ip: "192.0.2.11"))
            // act
            let page = try await client.call(.get, "/v1/audit-log?action=settings.change", token: f.adminAToken)
            let csv = try await client.call(.get, "/v1/audit-log?format=csv&action=settings.change", token: f.adminAToken)
            let narrowed = try await client.call(.get, "/v1/audit-log?account_id=\(f.departmentA.id)", token: f.adminAToken)
            let bobs = try await client.call(.get, "/v1/audit-log?action=settings.change", token: f.bobToken)
            // check: A's admin sees A's change only, with who, where and from which address
            #expect(page.status == .ok)
            let entries = try #require(page.object["entries"] as? [[String: Any]])
            #expect(entries.count == 1)
            #expect(entries.first?["target_id"] as? String == Settings.retentionDays.name)
            #expect(entries.first?["ip"] as? String == "192.0.2.10")
            #expect((entries.first?["account_id"] as? NSNumber)?.int64Value == f.departmentA.id)
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let text = String(buffer: csv.body)
            #expect(text.contains("192.0.2.10") && !text.contains("192.0.2.11"))
            #expect(narrowed.status == .ok && (narrowed.object["entries"] as? [[String: Any]])?.count == 1)
            let bobEntries = try #require(bobs.object["entries"] as? [[String: Any]])
            #expect(bobEntries.count == 1 && bobEntries.first?["ip"] as? String == "192.0.2.11")
            // a user without the reports right is refused; unknown actions and formats are invalid
            #expect(try await client.call(.get, "/v1/audit-log", token: f.aliceToken).status == .forbidden)
            #expect(try await client.call(.get, "/v1/audit-log?action=nope", token: f.adminAToken).status == .unprocessableContent)
            #expect(try await client.call(.get, "/v1/audit-log?format=xml", token: f.adminAToken).status == .unprocessableContent)
        }
    }
}
