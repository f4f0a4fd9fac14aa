import Foundation
import PagewireCore
import Testing

@Suite("New numbers by state and area code")
struct NumberPickerTests {
    @Test func anAdminPicksARegionThenAnAreaCodeThenNumbersWithinTheMaximum() async throws {
        try await PortalHarness.with { h in
            // setup: the reseller's pool in two states; company A's admin may hold 3 numbers
            let numbers = NumberRepository(database: h.database)
            try await numbers.addToPool(["2065550301", "2065550302", "2065550303"], poolAccountID: h.reseller.id, region: "WA", city: "Seattle",
                                        scope: h.platform.scope)
            try await numbers.addToPool(["5095550301"], poolAccountID: h.reseller.id, region: "WA", city: "Spokane", scope: h.platform.scope)
            try await numbers.addToPool(["3125550301"], poolAccountID: h.reseller.id, region: "IL", city: "Chicago", scope: h.platform.scope)
            try await SettingsRepository(database: h.database).set(Settings.maximumNumberInventory, to: 3, atAccount: h.reseller.id, scope: h.platform.scope)
            try await h.users.grant(userID: h.userA.id, accountID: h.companyA.id, rights: AdminRight.all, scope: h.platform.scope)
            let alice = h.browser()
            try await alice.signIn(h.userA.email, PortalHarness.password)
            let base = "/admin/accounts/\(h.companyA.id)/numbers/new"
            // act and check: each step narrows the choice
            let states = try await alice.get(base)
            #expect(states.status == 200 && states.text.contains(">WA</a> <span>4 available") && states.text.contains(">IL</a>"))
            let areas = try await alice.get(base + "?region=WA")
            #expect(areas.text.contains(">206</a> <span>Seattle · 3 available") && areas.text.contains(">509</a> <span>Spokane · 1 available"))
            let offer = try await alice.get(base + "?region=WA&area_code=206")
            let ids = offer.text.matches(of: #/name="number_id" value="(\d+)"/#).map { String($0.output.1) }
            #expect(ids.count == 3 && offer.text.contains("+12065550302"))
            let csrf = try #require(TestBrowser.csrf(in: offer.text))
            // nothing ticked: asked again; too many for the maximum: refused with the warning, nothing taken
            #expect(try await alice.post(base.replacingOccurrences(of: "/new", with: "/take"), [("csrf", csrf)]).status == 400)
            let over = try await alice.post(base.replacingOccurrences(of: "/new", with: "/take"),
                                            [("csrf", csrf), ("region", "WA"), ("area_code", "206")] + (ids + ["0"]).map { ("number_id", $0) })
            #expect(over.status == 409 && over.text.contains("maximum inventory"))
            let taken = try await alice.post(base.replacingOccurrences(of: "/new", with: "/take"),
                                             [("csrf", csrf), ("region", "WA"), ("area_code", "206"), ("number_id", ids[0]), ("number_id", ids[1])])
            #expect(taken.status == 303)
            let inventory = try await numbers.inventory(of: h.companyA.id, scope: h.companyA.scope)
            #expect(inventory.map(\.e164) == ["+12065550301", "+12065550302"] && inventory.allSatisfy { $0.state == .unassigned })
            #expect(try await alice.get(base + "?region=WA&area_code=206").text.matches(of: #/name="number_id"/#).count == 1)
            // another tenant's admin cannot look into company A's choice
            try await h.users.grant(userID: h.userB.id, accountID: h.companyB.id, rights: AdminRight.all, scope: h.platform.scope)
            let bob = h.browser()
            try await bob.signIn(h.userB.email, PortalHarness.password)
            #expect(try await bob.get(base).status == 404)
        }
    }
}
