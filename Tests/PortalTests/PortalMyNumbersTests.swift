import Foundation
import PagewireCore
import Testing

/// My numbers: the user's fax numbers and the delivery of faxes received on them (e-mail
/// forwarding, file type), stored where inbound delivery reads them.
@Suite("Portal my numbers")
struct PortalMyNumbersTests {
    /// A number from the reseller's pool, in company A's inventory, assigned to Alice.
    static func alicesNumber(_ h: PortalHarness, _ e164: String = "+12065550150") async throws -> Int64 {
        let numbers = NumberRepository(database: h.database)
        let pooled = try await numbers.addToPool([e164], poolAccountID: h.reseller.id, city: "Seattle", scope: h.platform.scope)
        try await numbers.take(pooled.map(\.id), forCompany: h.companyA.id, scope: h.platform.scope)
        try await numbers.assign(pooled[0].id, toUser: h.userA.id, scope: h.platform.scope)
        return pooled[0].id
    }

    /// The routes inbound delivery plans for a fax received now for `user` (its own code path:
    /// the fax's owner settings, then the plan).
    static func plannedRoutes(_ h: PortalHarness, user: User, account: Account) async throws -> [InboundRouteConfig] {
        let faxID = try await h.insertFax(user: user, account: account, number: "+13125550199", state: "received", direction: "inbound")
        let deliveries = InboundDeliveries(database: h.database)
        let fax = try #require(try await deliveries.fax(faxID))
        return InboundRouteConfig.plan(settings: try await deliveries.settings(for: fax))
    }

    @Test func savedForwardingIsWhatTheNextReceivedFaxUses() async throws {
        try await PortalHarness.with { h in
            // setup: the company forwards to its desk as PDF
            let id = try await Self.alicesNumber(h)
            let settings = SettingsRepository(database: h.database)
            try await settings.set(Settings.inboundEmailAddresses, to: ["desk@clinic-a.example"], atAccount: h.companyA.id, scope: h.platform.scope)
            let alice = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            let before = try await Self.plannedRoutes(h, user: h.userA, account: h.companyA)
            // act
            let page = try await alice.get("/numbers")
            let token = try #require(TestBrowser.csrf(in: page.text))
            let saved = try await alice.post("/numbers", [
                ("csrf", token), ("email", "alice@clinic-a.example"), ("email", " front@clinic-a.example "), ("email", ""), ("file_type", "tiff_hires"),
            ])
            let after = try await Self.plannedRoutes(h, user: h.userA, account: h.companyA)
            let reloaded = try await alice.get("/numbers?done=saved")
            let detail = try await alice.get("/numbers/\(id)")
            // check: the page showed the number and the inherited choice
            #expect(page.status == 200 && page.text.contains(#"<a href="/numbers/\#(id)">+1 (206) 555-0150</a>"#))
            #expect(page.text.contains("Seattle") && page.text.contains(#"value="desk@clinic-a.example""#))
            #expect(page.text.contains("your company&#39;s (or department&#39;s) setting applies"))
            #expect(page.text.contains(#"href="/numbers" aria-current="page""#))
            #expect(before.map(\.address) == ["desk@clinic-a.example"] && before.first?.options.fileType == .pdf)
            // check: delivery of the next fax goes to the new addresses as TIFF-HiRes
            #expect(saved.status == 303 && saved.header("Location") == "/numbers?done=saved")
            #expect(after.filter { $0.route == .email }.map(\.address) == ["alice@clinic-a.example", "front@clinic-a.example"])
            #expect(after.allSatisfy { $0.options.fileType == .tiffHiRes })
            #expect(reloaded.text.contains("Saved: the next fax you receive") && reloaded.text.contains(#"<option value="tiff_hires" selected>"#))
            #expect(!reloaded.text.contains("setting applies"))
            #expect(detail.status == 200 && detail.text.contains("alice@clinic-a.example, front@clinic-a.example") && detail.text.contains("TIFF-HiRes"))
            // Other users of the company keep the company's choice.
            let carol = try await h.users.create(accountID: h.companyA.id, email: "carol@clinic-a.example", displayName: "Carol",
                                                 password: PortalHarness.password, scope: h.platform.scope)
            let carols = try await Self.plannedRoutes(h, user: carol, account: h.companyA)
            #expect(carols.map(\.address) == ["desk@clinic-a.example"] && carols.first?.options.fileType == .pdf)

            // act: clearing every address stops e-mail forwarding for Alice
            let cleared = try await alice.post("/numbers", [("csrf", token), ("email", ""), ("email", ""), ("email", ""), ("file_type", "pdf")])
            let none = try await Self.plannedRoutes(h, user: h.userA, account: h.companyA)
            // check
            #expect(cleared.status == 303 && none.filter { $0.route == .email }.isEmpty)
        }
    }

    @Test func badInputIsRefusedAndChangesNothing() async throws {
        try await PortalHarness.with { h in
            // setup
            _ = try await Self.alicesNumber(h)
            let alice = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            let token = try #require(TestBrowser.csrf(in: try await alice.get("/numbers").text))
            // act
            let notAnAddress = try await alice.post("/numbers", [("csrf", token), ("email", "alice at clinic"), ("file_type", "pdf")])
            let four = try await alice.post("/numbers", [
                ("csrf", token), ("email", "a@x.example"), ("email", "b@x.example"), ("email", "c@x.example"), ("email", "d@x.example"), ("file_type", "pdf"),
            ])
            let fileType = try await alice.post("/numbers", [("csrf", token), ("email", "a@x.example"), ("file_type", "xps")])
            let forged = try await alice.post("/numbers", [("email", "evil@attacker.example"), ("file_type", "pdf")])
            // check
            #expect(notAnAddress.status == 400 && notAnAddress.text.contains("alice at clinic is not an e-mail address"))
            #expect(notAnAddress.text.contains(#"value="alice at clinic""#))
            #expect(four.status == 400 && four.text.contains("at most three e-mail addresses"))
            #expect(fileType.status == 400 && fileType.text.contains("Choose a file type"))
            #expect(forged.status == 403)
            let overrides: Int = try await h.database.query("SELECT COUNT(*) AS n FROM user_settings WHERE user_id = ?", h.userA.id)[0].get("n")
            #expect(overrides == 0)
        }
    }

    @Test func anotherUsersOrTenantsNumberIsNotFound() async throws {
        try await PortalHarness.with { h in
            // setup
            let id = try await Self.alicesNumber(h)
            let alice = h.browser(), bob = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            try await bob.signIn("bob@firm-b.example", PortalHarness.password)
            // act
            let own = try await alice.get("/numbers/\(id)")
            let foreign = try await bob.get("/numbers/\(id)")
            let bobsList = try await bob.get("/numbers")
            let missing = try await alice.get("/numbers/\(id + 1000)")
            // check
            #expect(own.status == 200 && own.text.contains("+12065550150"))
            #expect(foreign.status == 404 && missing.status == 404)
            #expect(!bobsList.text.contains("0150") && bobsList.text.contains("No fax number is assigned to you"))
        }
    }
}
