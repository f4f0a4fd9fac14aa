import Foundation
import PagewireCore
import Testing

/// Single sign-on in a real browser: headless Chromium (Selenium) against `pagewire-web serve` and
/// a real OpenID Connect provider (django-oidc-provider), both on loopback.
@Suite("Single sign-on in a browser")
struct SSOBrowserTests {
    @Test func aPersonSignsInThroughTheCompanysProviderIsCreatedJustInTimeAndSignsOutOfBoth() async throws {
        try await TestDatabase.with { test in
            // setup: a company whose clinic-a.test people sign in through the provider, JIT on
            // fails at once when the tests were not started by scripts/test (no browser venv)
            _ = try BrowserWalkthrough.python()
            let accounts = AccountRepository(database: test.database)
            let platform = try await accounts.create(platformName: "Pagewire")
            let company = try await accounts.create(kind: .company, name: "SSO Clinic", parentID: platform.id, scope: platform.scope)
            let processes = try PagewireProcesses(test)
            defer { processes.stop() }
            // The portal's public URL is the address the browser uses: the provider sends it back there.
            let port = try TestPorts.freeTCPPort()
            let base = "http://localhost:\(port)"
            let idp = try await OIDCProvider.start(environment: [
                "IDP_EXTRA_CLIENT": "pagewire-sso pagewire-sso-secret \(base)/signin/sso/callback \(base)/signin",
            ])
            defer { idp.stop() }
            try await OIDCConnectionRepository(database: test.database, transit: processes.transit).save(
                OIDCConnection(companyID: company.id, issuer: idp.issuer, clientID: "pagewire-sso", emailDomains: ["clinic-a.test"], justInTimeUsers: true),
                clientSecret: "pagewire-sso-secret", scope: platform.scope, actor: .system("test"))
            let server = try await processes.startWeb(environment: ["PAGEWIRE_WEB_PORT": String(port), "PAGEWIRE_WEB_PUBLIC_URL": base])
            // act
            let walk = try BrowserWalkthrough.run("sso_walkthrough.py", [
                "--base", base, "--idp", idp.issuer.replacingOccurrences(of: "/openid", with: ""),
                "--login", "bob@clinic-a.test", "--idp-user", "bob", "--idp-password", "bob-idp-pw",
                "--expect-name", "Bob Berg", "--screenshots", BrowserWalkthrough.screenshots])
            let (status, transcript) = (walk.status, walk.transcript)
            server.kill(signal: SIGTERM)
            // check: the walkthrough passed; Bob was created in the company, signed in once by SSO, and has no session left
            #expect(status == 0, "\(transcript)")
            #expect(transcript.contains("OK"))
            let users = UserRepository(database: test.database)
            let bob = try #require(try await users.find(login: "bob@clinic-a.test", scope: company.scope))
            #expect(bob.accountID == company.id)
            let signIns = try await AuditLog(database: test.database).entries(scopePath: company.path, filter: AuditFilter(actions: [.signIn]))
            #expect(signIns.filter { $0.actor.userID == bob.id && $0.detail == "single sign-on" }.count == 1)
            let sessions: Int = try await test.database.query("SELECT COUNT(*) AS n FROM portal_sessions WHERE user_id = ?", bob.id)[0].get("n")
            #expect(sessions == 0)
            #expect(try await test.database.query("SELECT COUNT(*) AS n FROM oidc_sessions")[0].get("n", as: Int.self) == 0)
            for name in ["sso-provider-signin", "sso-dashboard", "sso-signed-out"] {
                #expect(FileManager.default.fileExists(atPath: BrowserWalkthrough.screenshots + "/\(name).png"), "no screenshot \(name)")
            }
        }
    }
}
