import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
@testable import Web
import Testing

@Suite("Identity: OIDC sign-in flow against django-oidc-provider (PKCE, state, nonce, JIT)")
struct OIDCSignInTests {
    @Test func codeFlowWithPKCEVerifiesTheIDTokenAndCreatesTheUserJustInTime() async throws {
        let redirect = "http://127.0.0.1:9/signin/sso/callback"
        let idp = try await OIDCProvider.start(environment: ["IDP_EXTRA_CLIENT": "pagewire-sso pagewire-sso-secret \(redirect)"])
        defer { idp.stop() }
        try await APIFixture.with { f, _ in
            // setup: company A signs in users of clinic-a.test through the provider, JIT on
            let connections = OIDCConnectionRepository(database: f.database, transit: f.vault.documents.transit)
            // bob's IdP group fax-admins maps to the department and to the reports right
            try await connections.save(OIDCConnection(companyID: f.companyA.id, issuer: idp.issuer, clientID: "pagewire-sso",
                                                      scopes: ["openid", "email", "profile", "groups"], emailDomains: ["clinic-a.test"],
                                                      groupDepartments: ["fax-admins": f.departmentA.id], groupRights: ["fax-admins": [.reports]],
                                                      justInTimeUsers: true),
                                       clientSecret: "pagewire-sso-secret", scope: f.companyA.scope, actor: .system("test"))
            let signIn = OIDCSignIn(database: f.database, connections: connections, keys: ExternalIssuerKeys(minRefreshInterval: 1))
            let connection = try #require(try await connections.find(email: "someone@clinic-a.test"))
            // act: the provider's authorization, as the browser would follow it
            let url = try await signIn.begin(connection, redirectURI: redirect)
            #expect(url.contains("code_challenge_method=S256") && url.contains("nonce=") && url.contains("state="))
            let callback = try await idp.authorize(url, username: "bob", password: "bob-idp-pw")
            let code = try #require(callback["code"])
            let state = try #require(callback["state"])
            let identity = try await signIn.complete(state: state, code: code)
            // check: the IdP's bob (bob@clinic-a.test) is new to Pagewire and is created in company A
            #expect(identity.companyID == f.companyA.id && identity.email == "bob@clinic-a.test" && identity.name == "Bob Berg")
            let users = UserRepository(database: f.database, passwordParameters: .testing)
            #expect(try await users.find(login: "bob@clinic-a.test", scope: f.companyA.scope) == nil)
            #expect(identity.groups == ["fax-admins"])
            let user = try await signIn.provision(identity, users: users)
            #expect(user.email == "bob@clinic-a.test" && user.accountID == f.departmentA.id)
            let grants = try await users.grants(of: user.id)
            #expect(grants.count == 1 && grants.first?.rights == [.reports] && grants.first?.account.id == f.departmentA.id)
            #expect(try await signIn.provision(identity, users: users).id == user.id)
            // the state works once; an unknown state is refused
            await #expect(throws: OIDCSignInError.unknownState) { try await signIn.complete(state: state, code: code) }
            await #expect(throws: OIDCSignInError.unknownState) { try await signIn.complete(state: "forged", code: code) }
            // with JIT off, an unknown person gets no account; a known one signs in
            try await connections.save(OIDCConnection(companyID: f.companyA.id, issuer: idp.issuer, clientID: "pagewire-sso",
                                                      emailDomains: ["clinic-a.test"], justInTimeUsers: false),
                                       clientSecret: "pagewire-sso-secret", scope: f.companyA.scope, actor: .system("test"))
            let second = try await idp.authorize(try await signIn.begin(connection, redirectURI: redirect), username: "alice", password: "alice-idp-pw")
            let alice = try await signIn.complete(state: try #require(second["state"]), code: try #require(second["code"]))
            #expect(try await signIn.provision(alice, users: users).id == f.alice.id)
            try await users.setStatus(userID: f.alice.id, .locked, scope: f.platform.scope)
            await #expect(throws: OIDCSignInError.userLocked) { try await signIn.provision(alice, users: users) }
        }
    }
}

extension OIDCSignInTests {
    @Test func portalSignInThroughTheCompanysProviderStartsASession() async throws {
        // The test client names the host `localhost` (no port), which is no configured base URL and no
        // brand domain: the callback is on web.public_url (http://localhost:8080 by default).
        let idp = try await OIDCProvider.start(environment: ["IDP_EXTRA_CLIENT": "pagewire-sso pagewire-sso-secret http://localhost:8080/signin/sso/callback http://localhost:8080/signin"])
        defer { idp.stop() }
        try await APIFixture.with { f, recording in
            let client = recording.unrecorded
            let connections = OIDCConnectionRepository(database: f.database, transit: f.vault.documents.transit)
            try await connections.save(OIDCConnection(companyID: f.companyA.id, issuer: idp.issuer, clientID: "pagewire-sso",
                                                      emailDomains: ["clinic-a.test"], justInTimeUsers: true),
                                       clientSecret: "pagewire-sso-secret", scope: f.companyA.scope, actor: .system("test"))
            // act: the sign-in page sends alice's domain to the provider; she signs in there
            let start = try await client.execute(uri: "/signin/sso?login=alice%40clinic-a.test", method: .get)
            #expect(start.status == .seeOther)
            let location = try #require(start.headers[.location])
            #expect(location.hasPrefix(idp.issuer + "/authorize?"))
            #expect(location.contains("redirect_uri=http://localhost:8080/signin/sso/callback"))
            let callback = try await idp.authorize(location)
            let back = try await client.execute(
                uri: "/signin/sso/callback?code=\(try #require(callback["code"]))&state=\(try #require(callback["state"]))", method: .get)
            // check: a session for the existing alice
            #expect(back.status == .seeOther && back.headers[.location] == "/dashboard")
            let cookie = try #require(back.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            #expect(cookie.hasPrefix(SessionMiddleware.cookieName + "="))
            let dashboard = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie])
            #expect(dashboard.status == .ok)
            let signIns = try await AuditLog(database: f.database).entries(scopePath: f.companyA.path, filter: AuditFilter(actions: [.signIn]))
            #expect(signIns.contains { $0.actor.userID == f.alice.id && $0.detail == "single sign-on" })
            // a replayed callback and an unknown domain get no session
            let replay = try await client.execute(
                uri: "/signin/sso/callback?code=\(callback["code"]!)&state=\(callback["state"]!)", method: .get)
            #expect(replay.status == .badRequest && replay.headers[.setCookie]?.contains(SessionMiddleware.cookieName + "=") != true)
            let unknown = try await client.execute(uri: "/signin/sso?login=x%40nowhere.test", method: .get)
            #expect(unknown.status == .seeOther && unknown.headers[.location] == "/signin")
            // sign-out ends the portal session and sends the browser on to the provider's end-session
            // endpoint with the ID token as hint (RP-initiated logout)
            let csrf = try #require(dashboard.text.firstMatch(of: #/name="csrf" value="([^"]+)"/#).map { String($0.1) })
            let signOut = try await client.execute(uri: "/signout", method: .post,
                                                   headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                                   body: ByteBuffer(string: "csrf=\(csrf)"))
            #expect(signOut.status == .ok && signOut.headers[.setCookie]?.contains(SessionMiddleware.cookieName + "=;") == true)
            let next = try #require(signOut.text.firstMatch(of: #/id="continue-link" href="([^"]+)"/#).map { String($0.1).replacingOccurrences(of: "&amp;", with: "&") })
            let endSession = try #require(URLComponents(string: next))
            let items = Dictionary(uniqueKeysWithValues: (endSession.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            #expect(next.hasPrefix(idp.issuer + "/end-session"))
            #expect(items["post_logout_redirect_uri"] == "http://localhost:8080/signin" && items["client_id"] == "pagewire-sso")
            #expect(items["id_token_hint"]?.split(separator: ".").count == 3)
            #expect(try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie]).status == .seeOther)
            #expect(try await f.count("oidc_sessions") == 0)
            // the provider accepts the hint and sends the browser back to the registered page
            let followed = try Self.redirectTarget(of: next)
            #expect(followed.hasPrefix("http://localhost:8080/signin"), "\(followed)")
        }
    }
}

extension OIDCSignInTests {
    @Test func theSignInFormSendsSSODomainsToTheirProviderAndSSOOnlyRefusesPasswords() async throws {
        try await APIFixture.with { f, recording in
            let client = recording.unrecorded
            let connections = OIDCConnectionRepository(database: f.database, transit: f.vault.documents.transit)
            try await connections.save(OIDCConnection(companyID: f.companyA.id, issuer: "https://idp.clinic-a.test", clientID: "pagewire",
                                                      emailDomains: ["clinic-a.test"], ssoOnly: false),
                                       clientSecret: "s", scope: f.companyA.scope, actor: .system("test"))
            func submit(_ login: String, _ password: String) async throws -> TestResponse {
                let csrf = "csrf-token-value-0123456789"
                let body = "csrf=\(csrf)&login=\(login.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&password=\(password)"
                return try await client.execute(uri: "/signin", method: .post,
                                                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "pw_csrf=\(csrf)"],
                                                body: ByteBuffer(string: body))
            }
            // no password typed: a page that continues to the provider (a form's redirect chain may not
            // leave the portal's origin); a password: the normal sign-in still works
            let sso = try await submit("alice@clinic-a.test", "")
            #expect(sso.status == .ok && sso.text.contains(#"<meta http-equiv="refresh" content="0;url=/signin/sso?login=alice%40clinic-a.test">"#))
            let password = try await submit("alice@clinic-a.test", "alice-pw")
            #expect(password.status == .seeOther && password.headers[.location] == "/dashboard")
            // other domains are not affected
            #expect(!(try await submit("bob@law-b.test", "").text.contains("/signin/sso")))
            // SSO only: even with the right password, the provider
            try await connections.save(OIDCConnection(companyID: f.companyA.id, issuer: "https://idp.clinic-a.test", clientID: "pagewire",
                                                      emailDomains: ["clinic-a.test"], ssoOnly: true),
                                       clientSecret: "s", scope: f.companyA.scope, actor: .system("test"))
            let refused = try await submit("alice@clinic-a.test", "alice-pw")
            #expect(refused.status == .ok && refused.text.contains("url=/signin/sso?login=alice%40clinic-a.test"))
            #expect(refused.headers[.setCookie]?.contains("pw_session=") != true)
        }
    }
}

extension OIDCSignInTests {
    /// Where `url` redirects to (curl, not following).
    static func redirectTarget(of url: String) throws -> String {
        try CommandRun.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{redirect_url}", url], standardError: .inherited).output
    }
}
