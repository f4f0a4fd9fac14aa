import Foundation
import PagewireCore
import Testing
@testable import Web

/// Trunks of the operator and of resellers in the portal: add (digest or IP authentication),
/// edit, failover order, "test trunk" and its result, delete.
@Suite("Portal administration: trunks")
struct AdminTrunksTests {
    @Test func aResellerAddsOrdersTestsAndDeletesItsTrunks() async throws {
        try await PortalHarness.with { h in
            // setup: reseller staff with every right, and a platform trunk the reseller may use
            let scope = h.platform.scope
            let staff = try await h.users.create(accountID: h.reseller.id, email: "noc@faxresell.example", password: "Noc-pw-1234567", scope: scope)
            try await h.users.grant(userID: staff.id, accountID: h.reseller.id, rights: AdminRight.all, scope: scope)
            let repository = TrunkRepository(database: h.database, secrets: h.vault.documents.transit)
            let platformTrunk = try await repository.create(Trunk(name: "Platform carrier", host: "198.51.100.1"), owner: h.platform.id, scope: scope)
            let browser = h.browser()
            try await browser.signIn("noc@faxresell.example", "Noc-pw-1234567")
            try await PortalSecondFactorTests.pass(browser)
            let base = "/admin/accounts/\(h.reseller.id)/trunks"
            let csrf = try #require(TestBrowser.csrf(in: try await browser.get(base).text))
            // act: add a digest trunk and an IP-authenticated one; a username without a password is refused
            let digest = try await browser.post(base, [("csrf", csrf), ("name", "Carrier One"), ("host", "sip.carrier-one.example"), ("port", "5080"),
                                                      ("transport", "udp"), ("authentication", "digest"), ("username", "acct42"), ("password", "s3cret"),
                                                      ("max_channels", "10"), ("t38", "on"), ("ecm", "on"), ("active", "on")])
            #expect(digest.status == 303)
            let digestID = try #require(digest.header("Location")?.split(separator: "/").last?.split(separator: "?").first.flatMap { Int64($0) })
            let ip = try await browser.post(base, [("csrf", csrf), ("name", "Carrier Two"), ("host", "203.0.113.9"), ("authentication", "ip"),
                                                  ("username", "ignored"), ("password", "ignored"), ("active", "on")])
            let ipID = try #require(ip.header("Location")?.split(separator: "/").last?.split(separator: "?").first.flatMap { Int64($0) })
            let half = try await browser.post(base, [("csrf", csrf), ("name", "Half"), ("host", "203.0.113.10"), ("authentication", "digest"), ("username", "u")])
            #expect(half.status == 400 && half.text.contains("Give both a SIP username and a password"))
            // check: stored as typed; the IP trunk keeps no credentials
            let one = try #require(try await repository.get(digestID, scope: scope))
            #expect(one.host == "sip.carrier-one.example" && one.port == 5080 && one.username == "acct42" && one.password == "s3cret" && one.maxChannels == 10)
            let two = try #require(try await repository.get(ipID, scope: scope))
            #expect(two.username == nil && two.password == nil)
            let list = try await browser.get(base)
            #expect(list.text.contains("digest (acct42)") && list.text.contains("IP authentication") && !list.text.contains("s3cret"))
            // edit: a blank password keeps the stored one
            #expect(try await browser.post("/admin/trunks/\(digestID)", [("csrf", csrf), ("name", "Carrier One"), ("host", "sip2.carrier-one.example"),
                                                                       ("port", "5060"), ("authentication", "digest"), ("username", "acct42"), ("password", ""),
                                                                       ("max_channels", "12"), ("active", "on")]).status == 303)
            let edited = try #require(try await repository.get(digestID, scope: scope))
            #expect(edited.host == "sip2.carrier-one.example" && edited.password == "s3cret" && edited.maxChannels == 12 && !edited.t38Allowed)
            // failover order for the reseller's companies: Carrier Two first, then the platform's
            #expect(try await browser.post(base + "/order", [("csrf", csrf), ("position_\(ipID)", "1"), ("position_\(platformTrunk.id)", "2"),
                                                             ("position_\(digestID)", "")]).status == 303)
            #expect(try await repository.trunks(forAccount: h.companyA.id).map(\.id) == [ipID, platformTrunk.id])
            #expect(try await repository.trunks(forAccount: h.companyB.id).map(\.id) != [ipID, platformTrunk.id])
            // test trunk: a trunk.check job is queued; its result shows on the page
            #expect(try await browser.post("/admin/trunks/\(digestID)/check", [("csrf", csrf)]).status == 303)
            let queued = try await h.database.query("SELECT payload_json FROM work WHERE kind = ?", TrunkCheck.workKind)
            let payload = try queued.first?.get("payload_json", as: String.self) ?? ""
            #expect(queued.count == 1 && payload.contains("\"trunk_id\":\(digestID)"))
            #expect(try await browser.get("/admin/trunks/\(digestID)").text.contains("never checked"))
            try await repository.recordCheck(TrunkCheck(at: Date(), sipStatus: 200, roundTripMilliseconds: 23, detail: "200 OK"), trunkID: digestID)
            let checked = try await browser.get("/admin/trunks/\(digestID)")
            #expect(checked.text.contains("Up: SIP 200, 23 ms"))
            // the platform's trunk is not the reseller's to edit; delete removes its own
            #expect(try await browser.post("/admin/trunks/\(platformTrunk.id)/delete", [("csrf", csrf)]).status == 404)
            #expect(try await browser.post("/admin/trunks/\(digestID)/delete", [("csrf", csrf)]).status == 303)
            #expect(try await repository.get(digestID, scope: scope) == nil)
            // a company admin has no trunks page
            let (company, _) = try await AdminUsersTests.admin(h)
            #expect(try await company.get("/admin/accounts/\(h.companyA.id)/trunks").status == 404)
            #expect(!(try await company.get("/admin/accounts/\(h.companyA.id)").text.contains("/trunks")))
        }
    }
}
