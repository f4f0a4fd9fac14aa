import Foundation
import PagewireCore
import Testing
@testable import Web

/// Settings tabs, the blocklist, administrators and number pools in the portal, over real HTTP.
@Suite("Portal administration: settings, admins, pools")
struct AdminSettingsTests {
    @Test func aCompanyOverrideReachesAnExistingUserAtOnceAndResetInherits() async throws {
        try await PortalHarness.with { h in
            // setup: a department with a signed-in user who has a fax in the outbox
            let (admin, csrf) = try await AdminUsersTests.admin(h)
            let department = try await AccountRepository(database: h.database).create(kind: .department, name: "Billing", parentID: h.companyA.id, scope: h.platform.scope)
            let dana = try await h.users.create(accountID: department.id, email: "dana@clinic-a.example", password: "Dana-pw-123456", scope: h.platform.scope)
            let at = try #require(ISO8601DateFormatter().date(from: "2026-03-04T12:00:00Z"))
            _ = try await h.insertFax(user: dana, account: department, at: at)
            let danaBrowser = h.browser()
            try await danaBrowser.signIn("dana@clinic-a.example", "Dana-pw-123456")
            #expect(try await danaBrowser.get("/outbox").text.contains("2026-03-04 12:00"))
            let before = try await admin.get("/admin/accounts/\(department.id)/settings/custom")
            #expect(before.status == 200 && before.text.contains("Platform default"))
            // act: the company sets a time zone and date format
            let saved = try await admin.post("/admin/accounts/\(h.companyA.id)/settings/custom", [
                ("csrf", csrf), ("time_zone", "America/New_York"), ("date_format", "dd/MM/yyyy"), ("time_format", "HH:mm")])
            // check: Dana's existing session shows it at once; the department shows where it comes from
            #expect(saved.status == 303)
            #expect(try await danaBrowser.get("/outbox").text.contains("04/03/2026 07:00"))
            let inherited = try await admin.get("/admin/accounts/\(department.id)/settings/custom")
            #expect(inherited.text.contains("America/New_York") && inherited.text.contains("Inherited from the company Clinic A"))
            // only values that differ from the inherited ones became overrides
            let keys = try await h.database.query("SELECT setting_key FROM account_settings WHERE account_id = ? ORDER BY setting_key", h.companyA.id)
                .map { try $0.get("setting_key", as: String.self) }
            #expect(keys == ["locale.date_format", "locale.time_zone"])
            // the department overrides, then resets to inherited
            #expect(try await admin.post("/admin/accounts/\(department.id)/settings/custom", [
                ("csrf", csrf), ("time_zone", "Europe/Berlin"), ("date_format", "dd/MM/yyyy"), ("time_format", "HH:mm")]).status == 303)
            let overridden = try await admin.get("/admin/accounts/\(department.id)/settings/custom")
            #expect(overridden.text.contains("Set here") && overridden.text.contains("data-reset=\"locale.time_zone\""))
            #expect(try await danaBrowser.get("/outbox").text.contains("04/03/2026 13:00"))
            #expect(try await admin.post("/admin/accounts/\(department.id)/settings/custom/reset", [("csrf", csrf), ("key", "locale.time_zone")]).status == 303)
            #expect(try await danaBrowser.get("/outbox").text.contains("04/03/2026 07:00"))
            // invalid values are refused with the reason
            let invalid = try await admin.post("/admin/accounts/\(h.companyA.id)/settings/custom", [
                ("csrf", csrf), ("time_zone", "Mars/Olympus"), ("date_format", "dd/MM/yyyy"), ("time_format", "HH:mm")])
            #expect(invalid.status == 400 && invalid.text.contains("not a time zone name"))
            // the security tab: a stricter policy applies to passwords entered for new users
            #expect(try await admin.post("/admin/accounts/\(h.companyA.id)/security", [
                ("csrf", csrf), ("minimum_length", "16"), ("require_uppercase", "on"), ("require_lowercase", "on"), ("require_digit", "on"),
                ("require_symbol", "on"), ("maximum_age_days", "0"), ("history_count", "5"), ("lockout_attempts", "5"), ("lockout_minutes", "15"),
                ("session_timeout_minutes", "30")]).status == 303)
            let weak = try await admin.post("/admin/accounts/\(department.id)/users", [
                ("csrf", csrf), ("email", "eve@clinic-a.example"), ("password_mode", "entered"), ("password", "Abcdefgh12345")])
            #expect(weak.status == 400 && weak.text.contains("at least 16 characters") && weak.text.contains("a symbol"))
            // the cover page tab: the guide's seven behaviours
            #expect(try await admin.post("/admin/accounts/\(department.id)/settings/coverpage", [
                ("csrf", csrf), ("coverpage_template", "default"), ("coverpage_behaviour", "automatic_requires_attachment")]).status == 303)
            #expect(try await SettingsRepository(database: h.database).effective(Settings.coverPageBehaviour, forUser: dana.id).value == .automaticRequiresAttachment)
            #expect(try await admin.get("/admin/accounts/\(h.companyA.id)/settings/coverpage").text.components(separatedBy: "<option").count == 8)
            let limits = try await admin.get("/admin/accounts/\(h.companyA.id)/settings/limits")
            #expect(limits.status == 200 && !limits.text.contains("maximum_inventory"))
        }
    }

    @Test func theBlocklistTakesPastedNumbersSearchesExportsAndRefusesBadOnes() async throws {
        try await PortalHarness.with { h in
            // setup
            let (admin, csrf) = try await AdminUsersTests.admin(h)
            let base = "/admin/accounts/\(h.companyA.id)/blocklist"
            // act
            let pasted = try await admin.post(base, [("csrf", csrf), ("add", "+1 206 555 0101\n+12065550102, +442079460001\n")])
            let bad = try await admin.post(base, [("csrf", csrf), ("add", "+12065550103\nnot-a-number")])
            // check
            #expect(pasted.status == 303)
            #expect(bad.status == 400 && bad.text.contains("not-a-number"))
            let effective = try await SettingsRepository(database: h.database).effective(Settings.outboundBlocklist, forUser: h.userA.id).value
            #expect(effective == ["+12065550101", "+12065550102", "+442079460001"])
            let search = try await admin.get(base + "?q=4420")
            #expect(search.text.contains("+442079460001") && !search.text.contains("+12065550101"))
            let csv = try await admin.get(base + ".csv")
            #expect(csv.text == "number\r\n+12065550101\r\n+12065550102\r\n+442079460001\r\n")
            #expect(try await admin.post(base, [("csrf", csrf), ("remove", "+12065550102")]).status == 303)
            #expect(try await SettingsRepository(database: h.database).effective(Settings.outboundBlocklist, forUser: h.userA.id).value.count == 2)
        }
    }

    @Test func adminsAreCreatedWithRightsTheyMayGrantAndNoMore() async throws {
        try await PortalHarness.with { h in
            // setup: a department admin who may manage users but not settings
            let scope = h.platform.scope
            let department = try await AccountRepository(database: h.database).create(kind: .department, name: "Lab", parentID: h.companyA.id, scope: scope)
            let lead = try await h.users.create(accountID: department.id, email: "lead@clinic-a.example", password: "Lead-pw-123456", scope: scope)
            try await h.users.grant(userID: lead.id, accountID: department.id, rights: [.manageUsers, .faxPool], scope: scope)
            let browser = h.browser()
            try await browser.signIn("lead@clinic-a.example", "Lead-pw-123456")
            let page = try await browser.get("/admin/accounts/\(department.id)/admins")
            let csrf = try #require(TestBrowser.csrf(in: page.text))
            // act + check: granting a right the lead lacks is refused; their own rights are fine
            let beyond = try await browser.post("/admin/accounts/\(department.id)/admins", [
                ("csrf", csrf), ("email", "sub@clinic-a.example"), ("username", "Sub.Admin"), ("rights", "manage_users"), ("rights", "settings")])
            #expect(beyond.status == 400 && beyond.text.contains("You cannot grant rights you do not hold"))
            let created = try await browser.post("/admin/accounts/\(department.id)/admins", [
                ("csrf", csrf), ("email", "sub@clinic-a.example"), ("username", "Sub.Admin"), ("rights", "fax_pool"), ("rights", "read_only")])
            #expect(created.status == 201 && created.text.contains("id=\"created-password\""))
            let sub = try #require(try await h.users.find(login: "sub.admin", scope: scope))
            let grants = try await h.users.grants(of: sub.id)
            #expect(grants.count == 1 && grants[0].account.id == department.id && grants[0].rights == [.faxPool, .readOnly])
            // editing: add manage_users, then clear every box to remove the role; never one's own rights
            #expect(try await browser.post("/admin/users/\(sub.id)/rights", [("csrf", csrf), ("rights", "manage_users")]).status == 303)
            #expect(try await h.users.grants(of: sub.id).first?.rights == [.manageUsers])
            #expect(try await browser.post("/admin/users/\(lead.id)/rights", [("csrf", csrf), ("rights", "manage_users")]).status == 400)
            #expect(try await browser.post("/admin/users/\(sub.id)/rights", [("csrf", csrf)]).status == 303)
            #expect(try await h.users.grants(of: sub.id).isEmpty)
            // the lead has no settings right: the settings pages are neither linked nor served
            let tree = try await browser.get("/admin/accounts/\(department.id)/users")
            #expect(!tree.text.contains("/settings/fax") && tree.text.contains("/admins"))
            #expect(try await browser.get("/admin/accounts/\(department.id)/settings/fax").status == 403)
            // and the company above the lead's department does not exist for them
            #expect(try await browser.get("/admin/accounts/\(h.companyA.id)/users").status == 404)
        }
    }

    @Test func poolsLoadFromCSVAndCompaniesRequestNumbersWithinTheirMaximum() async throws {
        try await PortalHarness.with { h in
            // setup: a reseller admin and the company admin
            let scope = h.platform.scope
            let staff = try await h.users.create(accountID: h.reseller.id, email: "ops@faxresell.example", password: "Ops-pw-1234567", scope: scope)
            try await h.users.grant(userID: staff.id, accountID: h.reseller.id, rights: AdminRight.all, scope: scope)
            let reseller = h.browser()
            try await reseller.signIn("ops@faxresell.example", "Ops-pw-1234567")
            try await PortalSecondFactorTests.pass(reseller)
            let csrf = try #require(TestBrowser.csrf(in: try await reseller.get("/admin/accounts/\(h.reseller.id)/pool").text))
            let csv = "number,region,city\n+12065550201,WA,Seattle\n+12065550202,WA,Seattle\nnot a number,WA,\n+13125550203,IL,Chicago\n+12065550201,WA,Seattle\n"
            // act: import
            let imported = try await reseller.postMultipart("/admin/accounts/\(h.reseller.id)/pool/import", fields: [("csrf", csrf)],
                                                            files: [(field: "file", filename: "pool.csv", type: "text/csv", bytes: Array(csv.utf8))])
            // check: good lines added, bad ones reported by line
            #expect(imported.status == 200)
            #expect(imported.text.contains("3 number(s) added"))
            #expect(imported.text.contains("<td>4</td>") && imported.text.contains("<td>6</td>") && imported.text.contains("already on the platform"))
            #expect(imported.text.contains("<td>206</td><td>2</td><td>0</td><td>0</td>"))
            // the reseller sets the maximum inventory; the company requests within it
            #expect(try await reseller.post("/admin/accounts/\(h.reseller.id)/settings/limits", [
                ("csrf", csrf), ("maximum_inventory", "2"), ("retry_attempts", "4"), ("retry_interval", "300")]).status == 303)
            let (company, companyCSRF) = try await AdminUsersTests.admin(h)
            let tooMany = try await company.post("/admin/accounts/\(h.companyA.id)/numbers/request", [("csrf", companyCSRF), ("quantity", "3")])
            #expect(tooMany.status == 409 && tooMany.text.contains("Over the maximum inventory") && tooMany.text.contains("at most 2"))
            let chicago = try await company.post("/admin/accounts/\(h.companyA.id)/numbers/request", [("csrf", companyCSRF), ("region", "IL"), ("quantity", "1")])
            #expect(chicago.status == 201 && chicago.text.contains("+13125550203"))
            let seattle = try await company.post("/admin/accounts/\(h.companyA.id)/numbers/request", [("csrf", companyCSRF), ("area_code", "206"), ("quantity", "1")])
            #expect(seattle.status == 201 && seattle.text.contains("+12065550201") && seattle.text.contains("id=\"inventory-warning\""))
            let full = try await company.post("/admin/accounts/\(h.companyA.id)/numbers/request", [("csrf", companyCSRF), ("area_code", "206"), ("quantity", "1")])
            #expect(full.status == 409)
            #expect(try await NumberRepository(database: h.database).inventory(of: h.companyA.id, scope: scope).count == 2)
            // the company's own limits tab cannot raise its maximum
            #expect(try await company.post("/admin/accounts/\(h.companyA.id)/settings/limits", [
                ("csrf", companyCSRF), ("maximum_inventory", "100"), ("retry_attempts", "4"), ("retry_interval", "300")]).status == 303)
            #expect(try await SettingsRepository(database: h.database).effective(Settings.maximumNumberInventory, forAccount: h.companyA.id, scope: scope).value == 2)
            // the reseller sees the pool move
            let pool = try await reseller.get("/admin/accounts/\(h.reseller.id)/pool")
            #expect(pool.text.contains("<td>206</td><td>1</td><td>1</td><td>0</td>"))
        }
    }

    @Test func aCompanyPicksRetentionWithinThePlatformsLimits() async throws {
        try await PortalHarness.with { h in
            // setup: the platform operator and the company admin
            let scope = h.platform.scope
            let operatorUser = try await h.users.create(accountID: h.platform.id, email: "op@pagewire.example", password: "Op-pw-12345678", scope: scope)
            try await h.users.grant(userID: operatorUser.id, accountID: h.platform.id, rights: AdminRight.all, scope: scope)
            let op = h.browser()
            try await op.signIn("op@pagewire.example", "Op-pw-12345678")
            try await PortalSecondFactorTests.pass(op)
            let base = "/admin/accounts/\(h.companyA.id)/retention"
            let opCSRF = try #require(TestBrowser.csrf(in: try await op.get(base).text))
            // act + check: the platform sets 7–60 days; the company picks 45, not 90, and cannot change the limits
            #expect(try await op.post(base, [("csrf", opCSRF), ("min_days", "7"), ("max_days", "60")]).status == 303)
            let (company, csrf) = try await AdminUsersTests.admin(h)
            let page = try await company.get(base)
            #expect(page.text.contains("allows 7 to 60 days") && !page.text.contains("retention-limits-form"))
            #expect(try await company.post(base, [("csrf", csrf), ("days", "45")]).status == 303)
            let tooLong = try await company.post(base, [("csrf", csrf), ("days", "90")])
            #expect(tooLong.status == 400 && tooLong.text.contains("outside the allowed 7...60 days"))
            #expect(try await company.post(base, [("csrf", csrf), ("min_days", "1"), ("max_days", "3650")]).status == 403)
            let policy = try await RetentionPolicies(database: h.database).policy(companyID: h.companyA.id)
            #expect(policy.minDays == 7 && policy.maxDays == 60 && policy.chosenDays == 45)
            #expect(try await company.get("/admin/accounts/\(h.companyA.id)/settings/fax").text.contains("/retention"))
        }
    }
}
