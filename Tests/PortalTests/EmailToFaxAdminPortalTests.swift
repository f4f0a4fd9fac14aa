import Foundation
import PagewireCore
import Testing

/// The e-mail-to-fax admin pages: fax domains and sending addresses, over real HTTP on loopback.
@Suite("Portal e-mail to fax administration")
struct EmailToFaxAdminPortalTests {
    @Test func anAdminManagesDomainsAndAddressesAndAnotherTenantGetsNotFound() async throws {
        try await PortalHarness.with { h in
            // setup: an admin in each company; Alice (company A) is a plain user
            let adminA = try await h.users.create(accountID: h.companyA.id, email: "admin@clinic-a.example", password: PortalHarness.password, scope: h.platform.scope)
            try await h.users.grant(userID: adminA.id, accountID: h.companyA.id, rights: AdminRight.all, scope: h.platform.scope)
            let adminB = try await h.users.create(accountID: h.companyB.id, email: "admin@firm-b.example", password: PortalHarness.password, scope: h.platform.scope)
            try await h.users.grant(userID: adminB.id, accountID: h.companyB.id, rights: AdminRight.all, scope: h.platform.scope)
            let a = h.browser()
            #expect(try await a.signIn("admin@clinic-a.example", PortalHarness.password).status == 303)

            // act: the overview, then a domain added through its form
            let overview = try await a.get("/admin/email-to-fax")
            #expect(overview.status == 200)
            #expect(overview.text.contains(#"href="/admin/email-to-fax" aria-current="page""#))
            #expect(overview.text.contains("alice@clinic-a.example"))
            #expect(!overview.text.contains("bob@firm-b.example"))
            let csrf = try #require(TestBrowser.csrf(in: overview.text))
            let added = try await a.post("/admin/email-to-fax/domains", [("csrf", csrf), ("company", "\(h.companyA.id)"), ("domain", "Fax.Clinic-A.example")])
            // check
            #expect(added.status == 303 && added.header("Location") == "/admin/email-to-fax?done=domain-added")
            #expect(try await FaxDomainRepository(database: h.database).lookup("fax.clinic-a.example")?.companyID == h.companyA.id)
            let shown = try await a.get("/admin/email-to-fax?done=domain-added")
            #expect(shown.text.contains("Fax domain added.") && shown.text.contains("<td>fax.clinic-a.example</td>"))
            // a bad domain is explained on the page; a form without the token is refused
            let bad = try await a.post("/admin/email-to-fax/domains", [("csrf", csrf), ("company", "\(h.companyA.id)"), ("domain", "no spaces.example")])
            #expect(bad.status == 400 && bad.text.contains("is not a domain name"))
            #expect(try await a.post("/admin/email-to-fax/domains", [("company", "\(h.companyA.id)"), ("domain", "x.example")]).status == 403)

            // act: a sending address for Alice
            let page = try await a.get("/admin/email-to-fax/users/\(h.userA.id)")
            #expect(page.status == 200 && page.text.contains("Always allowed: alice@clinic-a.example"))
            let registered = try await a.post("/admin/email-to-fax/users/\(h.userA.id)/addresses", [("csrf", csrf), ("address", "Scanner@Clinic-A.example")])
            // check
            #expect(registered.status == 303)
            #expect(try await a.get("/admin/email-to-fax/users/\(h.userA.id)?done=added").text.contains("<li>scanner@clinic-a.example"))
            #expect(try await SendingAddressRepository(database: h.database).authorisedSender("scanner@clinic-a.example", companyID: h.companyA.id)?.id == h.userA.id)
            let taken = try await a.post("/admin/email-to-fax/users/\(h.userA.id)/addresses", [("csrf", csrf), ("address", "scanner@clinic-a.example")])
            #expect(taken.status == 400 && taken.text.contains("already a sending address"))

            // check: company B's admin sees none of it and gets "not found" for A's ids, as for unknown ones
            let b = h.browser()
            #expect(try await b.signIn("admin@firm-b.example", PortalHarness.password).status == 303)
            let bOverview = try await b.get("/admin/email-to-fax")
            #expect(bOverview.status == 200 && !bOverview.text.contains("clinic-a"))
            let bCSRF = try #require(TestBrowser.csrf(in: bOverview.text))
            #expect(try await b.get("/admin/email-to-fax/users/\(h.userA.id)").status == 404)
            #expect(try await b.get("/admin/email-to-fax/users/999999").status == 404)
            #expect(try await b.post("/admin/email-to-fax/users/\(h.userA.id)/addresses", [("csrf", bCSRF), ("address", "evil@firm-b.example")]).status == 404)
            #expect(try await b.post("/admin/email-to-fax/users/\(h.userA.id)/addresses/remove", [("csrf", bCSRF), ("address", "scanner@clinic-a.example")]).status == 404)
            #expect(try await b.post("/admin/email-to-fax/domains/remove", [("csrf", bCSRF), ("domain", "fax.clinic-a.example")]).status == 404)
            #expect(try await b.post("/admin/email-to-fax/domains", [("csrf", bCSRF), ("company", "\(h.companyA.id)"), ("domain", "evil.example")]).status == 404)
            #expect(try await FaxDomainRepository(database: h.database).list(scope: h.companyA.scope).map(\.domain) == ["fax.clinic-a.example"])

            // check: a read-only admin of company A sees the addresses without the forms, and changes nothing
            let viewer = try await h.users.create(accountID: h.companyA.id, email: "viewer@clinic-a.example", password: PortalHarness.password, scope: h.platform.scope)
            try await h.users.grant(userID: viewer.id, accountID: h.companyA.id, rights: [.readOnly, .settings, .manageUsers], scope: h.platform.scope)
            let v = h.browser()
            #expect(try await v.signIn("viewer@clinic-a.example", PortalHarness.password).status == 303)
            let readOnly = try await v.get("/admin/email-to-fax/users/\(h.userA.id)")
            #expect(readOnly.status == 200 && readOnly.text.contains("scanner@clinic-a.example") && !readOnly.text.contains("Register an address"))
            let vCSRF = try #require(TestBrowser.csrf(in: readOnly.text))
            #expect(try await v.post("/admin/email-to-fax/users/\(h.userA.id)/addresses", [("csrf", vCSRF), ("address", "x@clinic-a.example")]).status == 403)
            #expect(!(try await v.get("/admin/email-to-fax")).text.contains("Add a fax domain"))

            // check: a plain user has no such page and no menu entry
            let alice = h.browser()
            #expect(try await alice.signIn("alice@clinic-a.example", PortalHarness.password).status == 303)
            #expect(try await alice.get("/admin/email-to-fax").status == 404)
            #expect(!(try await alice.get("/dashboard").text.contains("/admin/email-to-fax")))

            // act: A's admin removes the address and the domain
            #expect(try await a.post("/admin/email-to-fax/users/\(h.userA.id)/addresses/remove", [("csrf", csrf), ("address", "scanner@clinic-a.example")]).status == 303)
            #expect(try await a.post("/admin/email-to-fax/domains/remove", [("csrf", csrf), ("domain", "fax.clinic-a.example")]).status == 303)
            // check
            #expect(try await FaxDomainRepository(database: h.database).lookup("fax.clinic-a.example") == nil)
            #expect(try await SendingAddressRepository(database: h.database).list(userID: h.userA.id, scope: h.companyA.scope).isEmpty)
        }
    }
}
