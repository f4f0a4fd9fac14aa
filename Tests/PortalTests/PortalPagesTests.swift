import Foundation
import PagewireCore
import Testing

/// The pages users work with, and that no page shows another tenant's data.
@Suite("Portal pages")
struct PortalPagesTests {
    @Test func anotherTenantsFaxIsNotFoundExactlyLikeAMissingOne() async throws {
        try await PortalHarness.with { h in
            // setup
            let faxA = try await h.insertFax(user: h.userA, account: h.companyA, number: "+12065550111", state: "queued")
            let alice = h.browser(), bob = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            try await bob.signIn("bob@firm-b.example", PortalHarness.password)
            let bobToken = try #require(TestBrowser.csrf(in: try await bob.get("/dashboard").text))
            // act
            let own = try await alice.get("/faxes/\(faxA)")
            let foreign = try await bob.get("/faxes/\(faxA)")
            let missing = try await bob.get("/faxes/999999999")
            let foreignCancel = try await bob.post("/faxes/\(faxA)/cancel", [("csrf", bobToken)])
            let foreignBulk = try await bob.post("/outbox/cancel", [("csrf", bobToken), ("id", "\(faxA)")])
            let bobsOutbox = try await bob.get("/outbox")
            // check
            #expect(own.status == 200 && own.text.contains("+12065550111"))
            #expect(foreign.status == 404 && missing.status == 404)
            #expect(foreign.text == missing.text)
            #expect(foreignCancel.status == 404 && foreignBulk.status == 404)
            #expect(!bobsOutbox.text.contains("+12065550111"))
            let state: String = try await h.database.query("SELECT state FROM faxes WHERE id = ?", faxA)[0].get("state")
            #expect(state == "queued")
        }
    }

    @Test func anAdminSeesTheCompanysFaxesAPlainUserOnlyTheirOwn() async throws {
        try await PortalHarness.with { h in
            // setup: Dan is a second user of company A; Alice becomes its admin
            let dan = try await h.users.create(accountID: h.companyA.id, email: "dan@clinic-a.example", password: PortalHarness.password, scope: h.platform.scope)
            try await h.users.grant(userID: h.userA.id, accountID: h.companyA.id, rights: [.readOnly], scope: h.platform.scope)
            let dansFax = try await h.insertFax(user: dan, account: h.companyA, number: "+12065550155")
            let alicesFax = try await h.insertFax(user: h.userA, account: h.companyA, number: "+12065550166")
            let alice = h.browser(), danBrowser = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            try await danBrowser.signIn("dan@clinic-a.example", PortalHarness.password)
            // act
            let adminOutbox = try await alice.get("/outbox")
            let userOutbox = try await danBrowser.get("/outbox")
            let danOnAlicesFax = try await danBrowser.get("/faxes/\(alicesFax)")
            let aliceOnDansFax = try await alice.get("/faxes/\(dansFax)")
            // check
            #expect(adminOutbox.text.contains("+12065550155") && adminOutbox.text.contains("+12065550166"))
            #expect(userOutbox.text.contains("+12065550155") && !userOutbox.text.contains("+12065550166"))
            #expect(danOnAlicesFax.status == 404 && aliceOnDansFax.status == 200)
        }
    }

    @Test func outboxFiltersAndPagesByKeyset() async throws {
        try await PortalHarness.with { h in
            // setup: 120 faxes, every third one failed, alternating numbers
            var ids: [Int64] = []
            for i in 0..<120 {
                ids.append(try await h.insertFax(user: h.userA, account: h.companyA, number: i % 2 == 0 ? "+12065550100" : "+13125550199",
                                                 state: i % 3 == 0 ? "failed" : "delivered"))
            }
            let alice = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            func rows(_ html: String) -> [Int64] {
                html.matches(of: #/href="/faxes/(\d+)"/#).map { Int64($0.output.1)! }
            }
            func next(_ html: String) -> String? {
                html.firstMatch(of: #/href="(/outbox\?[^"]*before=\d+)" rel="next"/#).map { String($0.output.1).replacingOccurrences(of: "&amp;", with: "&") }
            }
            // act
            let page1 = try await alice.get("/outbox")
            let page2 = try await alice.get(try #require(next(page1.text)))
            let page3 = try await alice.get(try #require(next(page2.text)))
            let failed = try await alice.get("/outbox?status=failed")
            let byNumber = try await alice.get("/outbox?number=312555")
            // check
            #expect(page1.status == 200)
            let all = rows(page1.text) + rows(page2.text) + rows(page3.text)
            #expect(rows(page1.text).count == 50 && rows(page2.text).count == 50 && rows(page3.text).count == 20)
            #expect(all == ids.reversed())
            #expect(next(page3.text) == nil)
            #expect(rows(failed.text).count == 40)
            #expect(Set(rows(failed.text)) == Set(ids.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)))
            #expect(rows(byNumber.text).count == 50 && !byNumber.text.contains("+12065550100"))
        }
    }

    @Test func faxDetailShowsAttemptsAndEvents() async throws {
        try await PortalHarness.with { h in
            // setup
            let fax = try await h.insertFax(user: h.userA, account: h.companyA, number: "+12065550123", state: "delivered")
            try await h.database.execute(
                """
                INSERT INTO fax_attempts (fax_id, n, started_at, ended_at, worker, result_code, sip_status, t30_code, pages_sent, bit_rate, ecm, remote_csid)
                VALUES (?, 1, ?, ?, 'tel-1', 'busy', 486, NULL, 0, NULL, NULL, NULL), (?, 2, ?, ?, 'tel-1', 'ok', 200, 0, 2, 14400, 1, 'REMOTE CSID')
                """, fax, Date(), Date(), fax, Date(), Date())
            try await h.database.execute("INSERT INTO fax_events (fax_id, at, type, target, status, detail) VALUES (?, ?, 'submitted', NULL, 'accepted', NULL)", fax, Date())
            let alice = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            // act
            let page = try await alice.get("/faxes/\(fax)")
            // check
            #expect(page.status == 200)
            #expect(page.text.contains("14400 bit/s") && page.text.contains("REMOTE CSID") && page.text.contains("486"))
            #expect(page.text.contains(ResultCode.busy.title) && page.text.contains("submitted"))
        }
    }

    @Test func dashboardDrawsPagesPerDayAsSVG() async throws {
        try await PortalHarness.with { h in
            // setup: 3 + 4 pages sent today, 5 received yesterday
            try await h.insertFax(user: h.userA, account: h.companyA, pages: 3)
            try await h.insertFax(user: h.userA, account: h.companyA, pages: 4)
            try await h.insertFax(user: h.userA, account: h.companyA, state: "delivered", direction: "inbound", pages: 5, at: Date().addingTimeInterval(-86_400))
            try await h.insertFax(user: h.userB, account: h.companyB, pages: 9)
            let alice = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            // act
            let page = try await alice.get("/dashboard")
            // check
            #expect(page.status == 200)
            #expect(page.text.contains("<svg class=\"chart\""))
            #expect(page.text.contains("7 sent, 5 received"))
            #expect(page.text.matches(of: #/<rect class="sent"/#).count == 14)
        }
    }

    @Test func theHostPicksTheBrandAndUnknownHostsGetThePlatformBrand() async throws {
        try await PortalHarness.with { h in
            // setup: the reseller has a brand and a domain; company A has its own domain but no brand
            let brands = BrandRepository(database: h.database)
            try await brands.save(
                Brand(accountID: nil, name: "FaxResell Cloud", pageTitle: "FaxResell Online Fax", logoURL: "/logo-faxresell.png",
                      footerText: "© FaxResell Ltd", primaryColour: "#7b1fa2", accentColour: "#00897b", supportEmail: "help@faxresell.example"),
                accountID: h.reseller.id, scope: h.platform.scope)
            try await brands.addDomain("fax.faxresell.example", accountID: h.reseller.id, scope: h.platform.scope)
            try await brands.addDomain("fax.clinic-a.example", accountID: h.companyA.id, scope: h.platform.scope)
            // act
            let resellerPage = try await h.browser(host: "fax.faxresell.example").get("/signin")
            let companyPage = try await h.browser(host: "FAX.clinic-a.example:443").get("/signin")
            let unknown = try await h.browser(host: "elsewhere.example").get("/signin")
            let notFound = try await h.browser(host: "fax.faxresell.example").get("/nothing-here")
            let css = try await h.browser(host: "fax.faxresell.example").get("/brand.css")
            // check
            #expect(resellerPage.text.contains("FaxResell Cloud") && resellerPage.text.contains("© FaxResell Ltd"))
            #expect(resellerPage.text.contains("<title>Sign in · FaxResell Online Fax</title>"))
            #expect(resellerPage.text.contains("/logo-faxresell.png"))
            #expect(companyPage.text.contains("FaxResell Cloud"))
            #expect(unknown.text.contains("Pagewire") && !unknown.text.contains("FaxResell"))
            #expect(notFound.status == 404 && notFound.text.contains("FaxResell Cloud") && notFound.text.contains("Page not found"))
            #expect(css.text.contains("--primary: #7b1fa2") && css.header("Content-Type")?.hasPrefix("text/css") == true)
            // a brand with an unsafe colour or logo is refused
            await #expect(throws: BrandRepository.BrandError.self) {
                try await brands.save(Brand(accountID: nil, name: "x", pageTitle: "x", logoURL: "javascript:alert(1)", footerText: "",
                                            primaryColour: "red;}", accentColour: "#000000", supportEmail: nil),
                                      accountID: h.companyA.id, scope: h.platform.scope)
            }
        }
    }
}
