import Foundation
import PagewireCore
import Testing

@Suite("Apps tab in the portal")
struct AppsPageTests {
    @Test func adminRegistersAnAppSeesTheSecretOnceRotatesAndDeletes() async throws {
        try await PortalHarness.with { h in
            // setup: alice administers company A with the apps right; a plain user of A
            try await h.users.grant(userID: h.userA.id, accountID: h.companyA.id, rights: [.apps], scope: h.platform.scope)
            let clerk = try await h.users.create(accountID: h.companyA.id, email: "clerk@clinic-a.example", displayName: "Clerk",
                                                 password: PortalHarness.password, scope: h.platform.scope)
            let alice = h.browser()
            try await alice.signIn(h.userA.email, PortalHarness.password)
            let page = try await alice.get("/apps")
            #expect(page.status == 200 && page.text.contains("No applications registered yet") && page.text.contains("0 of at most 25"))
            let csrf = TestBrowser.csrf(in: page.text) ?? ""
            // act: a registration with another tenant's user is refused and the form comes back filled in
            let refused = try await alice.post("/apps", [("csrf", csrf), ("name", "EHR <bridge>"), ("acting_user", h.userB.email), ("resources", "faxws")])
            #expect(refused.status == 400 && refused.text.contains("acting_user") && refused.text.contains("EHR &lt;bridge&gt;"))
            let registered = try await alice.post("/apps", [("csrf", csrf), ("name", "EHR bridge"), ("acting_user", clerk.email),
                                                             ("resources", "faxws"), ("resources", "iws"), ("access_token_minutes", "15")])
            // check: the secret is shown on this answer only, and it works at the token endpoint
            #expect(registered.status == 200)
            let secret = try #require(Self.code(id: "new-secret", in: registered.text))
            let clientID = try #require(Self.code(id: "client-id", in: registered.text))
            #expect(registered.text.contains("fax.send fax.read inbound.read") && registered.text.contains("900 seconds"))
            let token = try await h.client.post("/oauth/token", form: [("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", secret)])
            #expect(token.status == 200 && token.text.contains("access_token"))
            let app = try #require(try await APIAppRepository(database: h.database).find(clientID: clientID))
            let detail = try await alice.get("/apps/\(app.id)")
            #expect(detail.status == 200 && !detail.text.contains(secret) && detail.text.contains(String(secret.prefix(10))))
            #expect(try await alice.get("/apps").text.contains("EHR bridge"))
            // rotate: a second secret; then no third
            let rotated = try await alice.post("/apps/\(app.id)/secrets", [("csrf", csrf), ("lifetime_days", "30")])
            let second = try #require(Self.code(id: "new-secret", in: rotated.text))
            #expect(second != secret && rotated.text.contains("at most two live secrets"))
            let firstID = try #require(try await APIAppRepository(database: h.database).secrets(appID: app.id, scope: h.companyA.scope).first?.id)
            #expect(try await alice.post("/apps/\(app.id)/secrets/\(firstID)/delete", [("csrf", csrf)]).status == 303)
            let old = try await h.client.post("/oauth/token", form: [("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", secret)])
            #expect(old.status == 401)
            // others: a user without the right, the other tenant's administrator
            let plain = h.browser()
            try await plain.signIn(clerk.email, PortalHarness.password)
            #expect(try await plain.get("/apps").status == 403)
            try await h.users.grant(userID: h.userB.id, accountID: h.companyB.id, rights: [.apps], scope: h.platform.scope)
            let bob = h.browser()
            try await bob.signIn(h.userB.email, PortalHarness.password)
            #expect(try await bob.get("/apps/\(app.id)").status == 404)
            #expect(try await bob.post("/apps/\(app.id)/delete", [("csrf", TestBrowser.csrf(in: try await bob.get("/apps").text) ?? "")]).status == 404)
            // without the CSRF token nothing changes
            #expect(try await alice.post("/apps/\(app.id)/delete", []).status == 403)
            #expect(try await alice.post("/apps/\(app.id)/delete", [("csrf", csrf)]).status == 303)
            #expect(try await alice.get("/apps/\(app.id)").status == 404)
        }
    }

    static func code(id: String, in html: String) -> String? {
        guard let start = html.range(of: "<code id=\"\(id)\">") else { return nil }
        guard let end = html.range(of: "</code>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.upperBound..<end.lowerBound])
    }
}
