import Foundation
import PagewireCore
import Testing

/// The administration pages in a real browser: headless Chromium driven by Selenium against
/// `pagewire-web serve` (Tests/PortalTests/Browser/admin_walkthrough.py). Screenshots land in
/// var/screenshots.
@Suite("Administration in a browser")
struct AdminBrowserTests {
    @Test func treeSettingsUsersNumbersAndRightsWorkInChromium() async throws {
        try await TestDatabase.with { test in
            // setup: a company with a department, an admin, a limited admin, a user with a fax, a free number
            // fails at once when the tests were not started by scripts/test (no browser venv)
            _ = try BrowserWalkthrough.python()
            let accounts = AccountRepository(database: test.database)
            let users = UserRepository(database: test.database, passwordParameters: .testing)
            let platform = try await accounts.create(platformName: "Pagewire")
            let reseller = try await accounts.create(kind: .reseller, name: "Resell", parentID: platform.id, scope: platform.scope)
            let company = try await accounts.create(kind: .company, name: "Browser Clinic", parentID: reseller.id, scope: platform.scope)
            let cardiology = try await accounts.create(kind: .department, name: "Cardiology", parentID: company.id, scope: platform.scope)
            let password = "Browser-Admin-42x"
            let admin = try await users.create(accountID: company.id, email: "ada@browser.example", displayName: "Ada", password: password, scope: platform.scope)
            try await users.grant(userID: admin.id, accountID: company.id, rights: AdminRight.all, scope: platform.scope)
            let limited = try await users.create(accountID: company.id, email: "lim@browser.example", displayName: "Lim", password: password, scope: platform.scope)
            try await users.grant(userID: limited.id, accountID: company.id, rights: [.manageUsers], scope: platform.scope)
            let uma = try await users.create(accountID: cardiology.id, email: "uma@browser.example", displayName: "Uma", password: password, scope: platform.scope)
            let at = try #require(ISO8601DateFormatter().date(from: "2026-03-04T12:00:00Z"))
            try await test.database.execute(
                """
                INSERT INTO faxes (direction, account_id, company_id, user_id, state, remote_number, pages, pages_sent, attempts,
                    max_attempts, retry_interval_seconds, created_at, updated_at)
                VALUES ('outbound', ?, ?, ?, 'delivered', '+12065550100', 1, 1, 1, 4, 300, ?, ?)
                """, cardiology.id, company.id, uma.id, at, at)
            let numbers = NumberRepository(database: test.database)
            let number = try await numbers.addToPool(["+12065550133"], poolAccountID: reseller.id, scope: platform.scope)[0]
            _ = try await numbers.take([number.id], forCompany: company.id, scope: platform.scope)
            let processes = try PagewireProcesses(test)
            defer { processes.stop() }
            let server = try await processes.startWeb()
            // act
            let walk = try BrowserWalkthrough.run("admin_walkthrough.py", [
                "--base", "http://localhost:\(server.port)", "--admin", "ada@browser.example", "--user", "uma@browser.example",
                "--limited", "lim@browser.example", "--password", password, "--company", String(company.id),
                "--number", "+12065550133", "--screenshots", BrowserWalkthrough.screenshots])
            let (status, transcript) = (walk.status, walk.transcript)
            server.kill(signal: SIGTERM)
            // check: the walkthrough passed, and the database agrees with what the pages showed
            #expect(status == 0, "\(transcript)")
            #expect(transcript.contains("OK"))
            let back = try #require(try await numbers.get(number.id, scope: platform.scope))
            #expect(back.state == .unassigned && back.userID == nil)
            #expect(try await users.find(login: "nico@browser.example", scope: platform.scope) == nil)
            let departments = try await accounts.children(of: company.id, scope: platform.scope).map(\.name)
            #expect(departments.sorted() == ["Cardiology", "Imaging"])
            #expect(try await SettingsRepository(database: test.database).effective(Settings.timeZone, forUser: uma.id).value == "America/New_York")
            for name in ["admin-tree", "admin-settings", "admin-settings-user-outbox", "admin-stamp-preview", "admin-user-created", "admin-number-returned", "admin-limited-refused"] {
                #expect(FileManager.default.fileExists(atPath: BrowserWalkthrough.screenshots + "/\(name).png"), "no screenshot \(name)")
            }
        }
    }
}
