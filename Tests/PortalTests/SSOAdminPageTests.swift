import Foundation
import PagewireCore
import Testing

@Suite("Single sign-on page of a company")
struct SSOAdminPageTests {
    @Test func securityAdminSetsUpTheProviderCheckedByItsDiscoveryDocumentAndRemovesIt() async throws {
        let idp = try await OIDCProvider.start()
        defer { idp.stop() }
        // the provider runs on loopback: allowed here, as on a closed network
        try await PortalHarness.with(environment: ["PAGEWIRE_OAUTH_ALLOW_PRIVATE_ISSUERS": "true"]) { h in
            // setup: alice manages company A's security policy; a department to map a group to
            try await h.users.grant(userID: h.userA.id, accountID: h.companyA.id, rights: [.viewSecurityPolicy, .manageSecurityPolicy], scope: h.platform.scope)
            let cardiology = try await AccountRepository(database: h.database).create(kind: .department, name: "Cardiology", parentID: h.companyA.id, scope: h.platform.scope)
            let alice = h.browser()
            try await alice.signIn(h.userA.email, PortalHarness.password)
            let path = "/admin/accounts/\(h.companyA.id)/sso"
            let page = try await alice.get(path)
            #expect(page.status == 200 && page.text.contains("Single sign-on is not set up"))
            #expect(page.text.contains("http://localhost:8080/signin/sso/callback"))
            let csrf = try #require(TestBrowser.csrf(in: page.text))
            func form(_ issuer: String, secret: String = "idp-secret", groups: String = "cardio-team = Cardiology",
                      rights: String = "auditors = view_security_policy") -> [(String, String)] {
                [("csrf", csrf), ("issuer", issuer), ("client_id", "pagewire-portal"), ("client_secret", secret), ("scopes", "openid email"),
                 ("email_domains", "clinic-a.example, Clinic-A.org"), ("claim_email", "email"), ("claim_name", ""), ("claim_groups", "groups"),
                 ("group_departments", groups), ("group_rights", rights), ("jit", "on"), ("enabled", "on")]
            }
            // act: an unreachable issuer and an unknown department are refused, the form comes back filled in
            let unreachable = try await alice.post(path, form("http://127.0.0.1:9"))
            #expect(unreachable.status == 422 && unreachable.text.contains("could not be fetched") && unreachable.text.contains("value=\"http://127.0.0.1:9\""))
            let unknownDepartment = try await alice.post(path, form(idp.issuer, groups: "x = Radiology"))
            #expect(unknownDepartment.status == 400 && unknownDepartment.text.contains("Radiology"))
            // rights alice does not hold cannot be handed out through the provider
            let escalation = try await alice.post(path, form(idp.issuer, rights: "auditors = view_security_policy\nfax-admins = manage_users"))
            #expect(escalation.status == 422 && escalation.text.contains("manage_users"))
            #expect(try await alice.post(path, form(idp.issuer, rights: "auditors = superpowers")).status == 400)
            #expect(try await OIDCConnectionRepository(database: h.database, transit: h.vault.documents.transit).get(companyID: h.companyA.id, scope: h.platform.scope) == nil)
            // the real provider: saved
            let saved = try await alice.post(path, form(idp.issuer))
            #expect(saved.status == 303 && saved.header("Location") == path + "?saved=1")
            // check
            let connections = OIDCConnectionRepository(database: h.database, transit: h.vault.documents.transit)
            let stored = try #require(try await connections.get(companyID: h.companyA.id, scope: h.platform.scope))
            #expect(stored.issuer == idp.issuer && stored.clientID == "pagewire-portal" && stored.emailDomains == ["clinic-a.example", "clinic-a.org"])
            #expect(stored.nameClaim == "name" && stored.groupDepartments == ["cardio-team": cardiology.id] && stored.justInTimeUsers && !stored.ssoOnly)
            #expect(stored.groupRights == ["auditors": [.viewSecurityPolicy]])
            #expect(try await connections.clientSecret(companyID: h.companyA.id) == "idp-secret")
            let shown = try await alice.get(path + "?saved=1")
            #expect(shown.text.contains("discovery document checks out") && shown.text.contains("cardio-team = Cardiology") && !shown.text.contains("idp-secret"))
            // an edit with an empty secret field keeps the secret
            #expect(try await alice.post(path, form(idp.issuer, secret: "")).status == 303)
            #expect(try await connections.clientSecret(companyID: h.companyA.id) == "idp-secret")
            // a read-only viewer of the security policy sees the page but changes nothing; another tenant gets 404
            let viewer = try await h.users.create(accountID: h.companyA.id, email: "viewer@clinic-a.example", displayName: "Viewer",
                                                  password: PortalHarness.password, scope: h.platform.scope)
            try await h.users.grant(userID: viewer.id, accountID: h.companyA.id, rights: [.viewSecurityPolicy], scope: h.platform.scope)
            let view = h.browser()
            try await view.signIn(viewer.email, PortalHarness.password)
            let viewed = try await view.get(path)
            #expect(viewed.status == 200 && viewed.text.contains("<fieldset disabled>") && !viewed.text.contains("sso-delete-form"))
            #expect(try await view.post(path + "/delete", [("csrf", TestBrowser.csrf(in: viewed.text) ?? "")]).status == 403)
            try await h.users.grant(userID: h.userB.id, accountID: h.companyB.id, rights: AdminRight.all, scope: h.platform.scope)
            let bob = h.browser()
            try await bob.signIn(h.userB.email, PortalHarness.password)
            #expect(try await bob.get(path).status == 404)
            #expect(try await bob.post(path + "/delete", [("csrf", TestBrowser.csrf(in: try await bob.get("/dashboard").text) ?? "")]).status == 404)
            // remove
            #expect(try await alice.post(path + "/delete", [("csrf", csrf)]).status == 303)
            #expect(try await connections.get(companyID: h.companyA.id, scope: h.platform.scope) == nil)
            let audit = try await h.database.query(
                "SELECT detail FROM audit_log WHERE account_id = ? AND target_type = 'oidc_connection' ORDER BY id", h.companyA.id
            ).map { try $0.get("detail", as: String.self) }
            #expect(audit == ["single sign-on through \(idp.issuer)", "single sign-on through \(idp.issuer)", "single sign-on removed"])
        }
    }

    @Test func theCallbackIsOnTheHostTheBrowserUsesBrandDomainsIncluded() async throws {
        try await PortalHarness.with { h in
            // setup: company A (under the reseller) signs in through an unreachable-for-discovery provider stored directly;
            // the reseller's brand domain serves its companies
            try await BrandRepository(database: h.database).addDomain("fax.resell.example", accountID: h.reseller.id, scope: h.platform.scope)
            let idp = try await OIDCProvider.start()
            defer { idp.stop() }
            try await OIDCConnectionRepository(database: h.database, transit: h.vault.documents.transit).save(
                OIDCConnection(companyID: h.companyA.id, issuer: idp.issuer, clientID: "pagewire-sso", emailDomains: ["clinic-a.example"]),
                clientSecret: "s", scope: h.platform.scope, actor: .system("test"))
            func redirectURI(host: String?) async throws -> String? {
                let answer = try await h.browser(host: host).get("/signin/sso?login=carl%40clinic-a.example")
                guard answer.status == 303, let location = answer.header("Location") else { return nil }
                return URLComponents(string: location)?.queryItems?.first { $0.name == "redirect_uri" }?.value
            }
            // act + check: the brand domain, the configured public URL, and an unknown host (which gets the public URL)
            #expect(try await redirectURI(host: "fax.resell.example") == "https://fax.resell.example/signin/sso/callback")
            #expect(try await redirectURI(host: "localhost:8080") == "http://localhost:8080/signin/sso/callback")
            #expect(try await redirectURI(host: "evil.example") == "http://localhost:8080/signin/sso/callback")
            // the admin page lists both callbacks to register
            try await h.users.grant(userID: h.userA.id, accountID: h.companyA.id, rights: [.viewSecurityPolicy], scope: h.platform.scope)
            let alice = h.browser()
            try await alice.signIn(h.userA.email, PortalHarness.password)
            let page = try await alice.get("/admin/accounts/\(h.companyA.id)/sso")
            #expect(page.text.contains("https://fax.resell.example/signin/sso/callback") && page.text.contains("http://localhost:8080/signin/sso/callback"))
            #expect(page.text.contains("https://fax.resell.example/signin"))
        }
    }
}
