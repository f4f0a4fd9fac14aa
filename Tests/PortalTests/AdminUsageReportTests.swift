import Foundation
import PagewireCore
import Testing
@testable import Web

/// The Reports page: usage per user between two days in the admin's time zone, with cost centre
/// and employee id, on the page and as CSV; other tenants' nodes read as not found.
@Suite("Portal administration: usage report")
struct AdminUsageReportTests {
    @Test func thePageAndTheCSVShowUsagePerUserWithTheirCustomFields() async throws {
        try await PortalHarness.with { h in
            // setup: the admin in New York; Dana (cost centre CC-42) sent a 3-page fax late on 9 Nov New York time
            let (admin, _) = try await AdminUsersTests.admin(h)
            try await SettingsRepository(database: h.database).set(Settings.timeZone, to: "America/New_York", atAccount: h.companyA.id, scope: h.platform.scope)
            let dana = try await h.users.create(accountID: h.companyA.id, email: "dana@clinic-a.example", password: "Dana-pw-123456", scope: h.platform.scope)
            _ = try await h.database.execute("UPDATE users SET display_name = 'Dana Scully', cost_centre = 'CC-42', employee_id = 'E-9' WHERE id = ?", dana.id)
            let lateOnTheNinth = try #require(ISO8601DateFormatter().date(from: "2026-11-10T03:00:00Z"))
            _ = try await h.insertFax(user: dana, account: h.companyA, pages: 3, at: lateOnTheNinth)
            _ = try await h.insertFax(user: h.userB, account: h.companyB, pages: 7, at: lateOnTheNinth)
            // act
            let ninth = try await admin.get("/admin/accounts/\(h.companyA.id)/reports?from=2026-11-09&to=2026-11-09")
            let tenth = try await admin.get("/admin/accounts/\(h.companyA.id)/reports?from=2026-11-10&to=2026-11-10")
            let csv = try await admin.get("/admin/accounts/\(h.companyA.id)/reports.csv?from=2026-11-01&to=2026-11-30")
            // check: the fax counts on the 9th in New York, not on the 10th
            #expect(ninth.status == 200 && ninth.text.contains("<th scope=\"row\">Dana Scully</th>") && ninth.text.contains("<td>CC-42</td>"))
            #expect(tenth.status == 200 && tenth.text.contains("No faxes in this period."))
            #expect(csv.status == 200 && csv.header("Content-Type") == "text/csv; charset=utf-8")
            #expect(csv.text.contains("Dana Scully,dana@clinic-a.example,Clinic A,CC-42,E-9,1,3,1,0,0,0"))
            #expect(!csv.text.contains("7,7"))
            // bad days are explained; another tenant's node is not found
            let bad = try await admin.get("/admin/accounts/\(h.companyA.id)/reports?from=2026-11-30&to=2026-11-01")
            #expect(bad.status == 400 && bad.text.contains("The first day comes before the last"))
            #expect(try await admin.get("/admin/accounts/\(h.companyA.id)/reports.csv?from=nope").status == 400)
            #expect(try await admin.get("/admin/accounts/\(h.companyB.id)/reports").status == 404)
        }
    }
}
