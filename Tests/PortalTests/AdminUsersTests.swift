import Foundation
import PagewireCore
import Testing
@testable import Web

/// The administration pages over real HTTP: the account tree, users (create, edit, lock, move,
/// delete with number return) and the number inventory.
@Suite("Portal administration")
struct AdminUsersTests {
    /// Company A's administrator (all rights at the company), signed in.
    static func admin(_ h: PortalHarness) async throws -> (TestBrowser, String) {
        try await h.users.grant(userID: h.userA.id, accountID: h.companyA.id, rights: AdminRight.all, scope: h.platform.scope)
        let browser = h.browser()
        try await browser.signIn("alice@clinic-a.example", PortalHarness.password)
        let csrf = try #require(TestBrowser.csrf(in: try await browser.get("/admin/accounts/\(h.companyA.id)").text))
        return (browser, csrf)
    }

    @Test func theTreeAddsRenamesAndDeletesDepartmentsButNotOneHoldingUsers() async throws {
        try await PortalHarness.with { h in
            // setup
            let (browser, csrf) = try await Self.admin(h)
            // act: add a department and a sub-department, rename, put a user in it
            let added = try await browser.post("/admin/accounts/\(h.companyA.id)/departments", [("csrf", csrf), ("name", "Radiology")])
            #expect(added.status == 303)
            let radiologyID = try #require(added.header("Location")?.split(separator: "/").last?.split(separator: "?").first.flatMap { Int64($0) })
            let sub = try await browser.post("/admin/accounts/\(radiologyID)/departments", [("csrf", csrf), ("name", "Scheduling")])
            let subID = try #require(sub.header("Location")?.split(separator: "/").last?.split(separator: "?").first.flatMap { Int64($0) })
            #expect(try await browser.post("/admin/accounts/\(radiologyID)/rename", [("csrf", csrf), ("name", "Imaging")]).status == 303)
            let user = try await h.users.create(accountID: subID, email: "sam@clinic-a.example", password: "Sam-pw-1234567", scope: h.platform.scope)
            let tree = try await browser.get("/admin/accounts/\(h.companyA.id)")
            // check: the hierarchy shows nested nodes; deleting a department holding a user is refused
            #expect(tree.status == 200)
            #expect(tree.text.contains("Imaging") && tree.text.contains("Scheduling") && !tree.text.contains("Radiology"))
            #expect(!tree.text.contains("Firm B"))
            let refused = try await browser.post("/admin/accounts/\(subID)/delete", [("csrf", csrf)])
            #expect(refused.status == 409 && refused.text.contains("still holds 1 user"))
            let refusedParent = try await browser.post("/admin/accounts/\(radiologyID)/delete", [("csrf", csrf)])
            #expect(refusedParent.status == 409 && refusedParent.text.contains("1 department"))
            // move the user up, then the sub-department can go
            #expect(try await browser.post("/admin/users/\(user.id)/move", [("csrf", csrf), ("account_id", "\(radiologyID)")]).status == 303)
            #expect(try await h.users.get(user.id, scope: h.platform.scope)?.accountID == radiologyID)
            #expect(try await browser.post("/admin/accounts/\(subID)/delete", [("csrf", csrf)]).status == 303)
            #expect(try await AccountRepository(database: h.database).get(subID, scope: h.platform.scope) == nil)
            // a user cannot move to another company
            let across = try await browser.post("/admin/users/\(user.id)/move", [("csrf", csrf), ("account_id", "\(h.companyB.id)")])
            #expect(across.status == 400)
            // the company node itself is not a department
            #expect(try await browser.post("/admin/accounts/\(h.companyA.id)/delete", [("csrf", csrf)]).status == 404)
        }
    }

    @Test func anAdminCreatesAUserWhoseGeneratedPasswordIsShownOnceAndWorks() async throws {
        try await PortalHarness.with { h in
            // setup
            let (browser, csrf) = try await Self.admin(h)
            // act
            let created = try await browser.post("/admin/accounts/\(h.companyA.id)/users", [
                ("csrf", csrf), ("display_name", "Dora Doc"), ("email", "dora@clinic-a.example"), ("username_mode", "email"),
                ("password_mode", "generated"), ("phone", "+1 206 555 0199"), ("cost_centre", "CC-42"), ("employee_id", "E-7"),
            ])
            // check
            #expect(created.status == 201)
            let password = try #require(created.text.firstMatch(of: #/id="created-password">([^<]+)</#).map { String($0.1) })
            #expect(password.count >= 20)
            let dora = try #require(try await h.users.find(login: "dora@clinic-a.example", scope: h.platform.scope))
            #expect(try await h.users.profile(of: dora.id, scope: h.platform.scope) == UserProfile(phone: "+1 206 555 0199", costCentre: "CC-42", employeeID: "E-7"))
            let list = try await browser.get("/admin/accounts/\(h.companyA.id)/users")
            #expect(list.text.contains("dora@clinic-a.example") && !list.text.contains(password))
            let doraBrowser = h.browser()
            #expect(try await doraBrowser.signIn("dora@clinic-a.example", password).header("Location") == "/dashboard")
            // chosen and generated usernames; an entered password must meet the policy; taken usernames are refused
            #expect(try await browser.post("/admin/accounts/\(h.companyA.id)/users", [
                ("csrf", csrf), ("email", "ed@clinic-a.example"), ("username_mode", "chosen"), ("username", "Ed.Smith"),
                ("password_mode", "entered"), ("password", "Ed-Strong-Pass-99")]).status == 201)
            #expect(try await h.users.find(login: "ed.smith", scope: h.platform.scope)?.email == "ed@clinic-a.example")
            let generated = try await browser.post("/admin/accounts/\(h.companyA.id)/users", [
                ("csrf", csrf), ("email", "flo@clinic-a.example"), ("username_mode", "generated"), ("password_mode", "generated")])
            let generatedName = try #require(generated.text.firstMatch(of: #/id="created-username">([^<]+)</#).map { String($0.1) })
            #expect(generatedName.hasPrefix("u") && generatedName.count == 11)
            let weak = try await browser.post("/admin/accounts/\(h.companyA.id)/users", [
                ("csrf", csrf), ("email", "gus@clinic-a.example"), ("password_mode", "entered"), ("password", "short")])
            #expect(weak.status == 400 && weak.text.contains("The password needs"))
            let taken = try await browser.post("/admin/accounts/\(h.companyA.id)/users", [
                ("csrf", csrf), ("email", "x@clinic-a.example"), ("username_mode", "chosen"), ("username", "ed.smith")])
            #expect(taken.status == 400 && taken.text.contains("already taken"))
            // edit contact details and custom fields
            #expect(try await browser.post("/admin/users/\(dora.id)", [
                ("csrf", csrf), ("display_name", "Dora D."), ("email", "dora@clinic-a.example"), ("cost_centre", "CC-43")]).status == 303)
            #expect(try await h.users.profile(of: dora.id, scope: h.platform.scope).costCentre == "CC-43")
            #expect(try await h.users.get(dora.id, scope: h.platform.scope)?.displayName == "Dora D.")
        }
    }

    @Test func lockingStopsTheUsersNumberAndDeletingReturnsItToTheInventory() async throws {
        try await PortalHarness.with { h in
            // setup: a user of company A with a number
            let (browser, csrf) = try await Self.admin(h)
            let numbers = NumberRepository(database: h.database)
            let user = try await h.users.create(accountID: h.companyA.id, email: "lee@clinic-a.example", password: "Lee-pw-123456", scope: h.platform.scope)
            let number = try await numbers.addToPool(["+12065550177"], poolAccountID: h.reseller.id, scope: h.platform.scope)[0]
            _ = try await numbers.take([number.id], forCompany: h.companyA.id, scope: h.platform.scope)
            #expect(try await browser.post("/admin/numbers/\(number.id)/assign", [("csrf", csrf), ("user_id", "\(user.id)")]).status == 303)
            guard case .accept(_, _, _, let receiver, _) = try await numbers.inboundRoute(for: "+12065550177") else {
                Issue.record("the assigned number does not receive"); return
            }
            #expect(receiver == user.id)
            let leeBrowser = h.browser()
            try await leeBrowser.signIn("lee@clinic-a.example", "Lee-pw-123456")
            #expect(try await leeBrowser.get("/dashboard").status == 200)
            // act: lock
            #expect(try await browser.post("/admin/users/\(user.id)/lock", [("csrf", csrf)]).status == 303)
            // check: no receiving, no session, no sign-in
            #expect(try await numbers.inboundRoute(for: "+12065550177").sipStatus == 480)
            let audit = try await AuditLog(database: h.database).entries(scopePath: h.companyA.path, filter: AuditFilter(actions: [.adminChange]))
            #expect(audit.contains { $0.targetType == "user" && $0.targetID == String(user.id) && $0.detail.hasPrefix("lockUser") && $0.actor.userID == h.userA.id })
            #expect(try await leeBrowser.get("/dashboard").status == 303)
            #expect(try await h.browser().signIn("lee@clinic-a.example", "Lee-pw-123456").header("Location") != "/dashboard")
            #expect(try await browser.get("/admin/users/\(user.id)").text.contains(">locked<"))
            // unlock: receiving again
            #expect(try await browser.post("/admin/users/\(user.id)/unlock", [("csrf", csrf)]).status == 303)
            #expect(try await numbers.inboundRoute(for: "+12065550177").sipStatus == nil)
            // act: delete
            let deleted = try await browser.post("/admin/users/\(user.id)/delete", [("csrf", csrf)])
            // check: the number is unassigned inventory of the company
            #expect(deleted.status == 303)
            #expect(try await h.users.get(user.id, scope: h.platform.scope) == nil)
            let back = try #require(try await numbers.get(number.id, scope: h.platform.scope))
            #expect(back.state == .unassigned && back.userID == nil && back.accountID == h.companyA.id)
            let inventory = try await browser.get("/admin/accounts/\(h.companyA.id)/numbers")
            #expect(inventory.text.contains("+12065550177") && inventory.text.contains("1 unassigned"))
            // a new user can receive on an unassigned number from the start
            let page = try await browser.get("/admin/accounts/\(h.companyA.id)/users")
            #expect(page.text.contains("<option value=\"\(number.id)\">+12065550177</option>"))
            let withNumber = try await browser.post("/admin/accounts/\(h.companyA.id)/users", [
                ("csrf", csrf), ("email", "mo@clinic-a.example"), ("number_id", "\(number.id)")])
            #expect(withNumber.status == 201 && withNumber.text.contains("They receive faxes on their number"))
            let mo = try #require(try await h.users.find(login: "mo@clinic-a.example", scope: h.platform.scope))
            #expect(try await numbers.numbers(ofUser: mo.id, scope: h.platform.scope).map(\.e164) == ["+12065550177"])
            // an admin cannot lock or delete themselves
            #expect(try await browser.post("/admin/users/\(h.userA.id)/lock", [("csrf", csrf)]).status == 400)
            #expect(try await browser.post("/admin/users/\(h.userA.id)/delete", [("csrf", csrf)]).status == 400)
        }
    }

    @Test func theInventoryGroupsByAreaCodeAssignsToAQueueAndExportsCSV() async throws {
        try await PortalHarness.with { h in
            // setup
            let (browser, csrf) = try await Self.admin(h)
            let numbers = NumberRepository(database: h.database)
            let pool = try await numbers.addToPool(["+12065550181", "+13125550182", "+13125550183"], poolAccountID: h.reseller.id, scope: h.platform.scope)
            _ = try await numbers.take(pool.map(\.id), forCompany: h.companyA.id, scope: h.platform.scope)
            try await numbers.addPendingPort("+442079460000", accountID: h.companyA.id, scope: h.platform.scope)
            // act
            #expect(try await browser.post("/admin/numbers/\(pool[1].id)/assign", [("csrf", csrf), ("queue", "Front desk")]).status == 303)
            let page = try await browser.get("/admin/accounts/\(h.companyA.id)/numbers")
            let csv = try await browser.get("/admin/accounts/\(h.companyA.id)/numbers.csv")
            // check
            #expect(page.status == 200)
            let i206 = try #require(page.text.range(of: "<h2>206</h2>")), i312 = try #require(page.text.range(of: "<h2>312</h2>"))
            #expect(i206.lowerBound < i312.lowerBound)
            #expect(page.text.contains("1 unassigned · 1 assigned · 0 pending port"))
            #expect(page.text.contains("queue: Front desk"))
            #expect(page.text.contains("0 unassigned · 0 assigned · 1 pending port"))
            #expect(csv.status == 200 && csv.header("Content-Type")?.hasPrefix("text/csv") == true)
            let lines = csv.text.split(separator: "\r\n").map(String.init)
            #expect(lines.first == "number,country,status,ported")
            #expect(lines.contains("+13125550182,US/CA,assigned,no"))
            #expect(lines.contains("+442079460000,GB,pending_port,yes"))
            #expect(lines.count == 5)
            // another tenant's number cannot be assigned from here
            let foreign = try await numbers.addToPool(["+12065550190"], poolAccountID: h.platform.id, scope: h.platform.scope)[0]
            _ = try await numbers.take([foreign.id], forCompany: h.companyB.id, scope: h.platform.scope)
            #expect(try await browser.post("/admin/numbers/\(foreign.id)/assign", [("csrf", csrf), ("queue", "x")]).status == 404)
        }
    }

    @Test func aDepartmentAdminCannotChangeAnAdminAboveThem() async throws {
        try await PortalHarness.with { h in
            // setup: the company admin's own account sits in a department whose admin has every right
            let scope = h.platform.scope
            let department = try await AccountRepository(database: h.database).create(kind: .department, name: "Front", parentID: h.companyA.id, scope: scope)
            let boss = try await h.users.create(accountID: department.id, email: "boss@clinic-a.example", password: "Boss-pw-1234567", scope: scope)
            try await h.users.grant(userID: boss.id, accountID: h.companyA.id, rights: AdminRight.all, scope: scope)
            let lead = try await h.users.create(accountID: department.id, email: "lead@clinic-a.example", password: "Lead-pw-1234567", scope: scope)
            try await h.users.grant(userID: lead.id, accountID: department.id, rights: AdminRight.all, scope: scope)
            let browser = h.browser()
            try await browser.signIn("lead@clinic-a.example", "Lead-pw-1234567")
            let csrf = try #require(TestBrowser.csrf(in: try await browser.get("/admin/users/\(boss.id)").text))
            // act
            let lock = try await browser.post("/admin/users/\(boss.id)/lock", [("csrf", csrf)])
            let delete = try await browser.post("/admin/users/\(boss.id)/delete", [("csrf", csrf)])
            let rights = try await browser.post("/admin/users/\(boss.id)/rights", [("csrf", csrf)])
            // check: refused, and nothing changed
            #expect(lock.status == 403 && delete.status == 403 && rights.status == 403)
            #expect(try await h.users.get(boss.id, scope: scope)?.status == .active)
            #expect(try await h.users.grants(of: boss.id).count == 1)
        }
    }
}
