import Foundation
import PagewireCore
import Testing

/// Sign-in, sessions, CSRF, lockout and security headers, over real HTTP on loopback.
@Suite("Portal security")
struct PortalSecurityTests {
    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        try await PortalHarness.with { h in
            // act
            let responses = [try await h.client.get("/signin"), try await h.client.get("/no-such-page"), try await h.client.get("/dashboard"),
                             try await h.client.post("/signin", form: [("login", "x")]), try await h.client.get("/healthz")]
            // check
            for response in responses {
                let csp = try #require(response.header("Content-Security-Policy"))
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"))
                #expect(response.header("X-Frame-Options") == "DENY")
                #expect(response.header("X-Content-Type-Options") == "nosniff")
                #expect(response.header("Referrer-Policy") == "same-origin")
            }
            #expect(responses[1].status == 404 && responses[1].text.contains("Page not found"))
            #expect(responses[2].status == 303 && responses[2].header("Location")?.hasPrefix("/signin") == true)
            #expect(responses[3].status == 403)
            // no inline script anywhere in the HTML
            #expect(!responses[0].text.contains("<script>") && !responses[0].text.contains("style="))
        }
    }

    @Test func signInIssuesAFreshSecureSessionAndAPlantedOneNeverWorks() async throws {
        try await PortalHarness.with { h in
            // setup: an attacker plants a session id in the victim's browser before sign-in
            let browser = h.browser()
            let planted = String(repeating: "A", count: 43)
            browser.cookies["pw_session"] = planted
            // act
            let response = try await browser.signIn("alice@clinic-a.example", PortalHarness.password)
            // check
            #expect(response.status == 303)
            #expect(response.header("Location") == "/dashboard")
            let cookie = try #require(browser.lastSetCookies.first { $0.hasPrefix("pw_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Lax"))
            let issued = try #require(browser.cookies["pw_session"])
            #expect(issued != planted && issued.count == 43)
            #expect(try await browser.get("/dashboard").status == 200)
            let attacker = h.browser()
            attacker.cookies["pw_session"] = planted
            #expect(try await attacker.get("/dashboard").status == 303)
            // a valid session planted before sign-in (say, the attacker's own) is ended, never reused
            let again = h.browser()
            let form = try await again.get("/signin")
            again.cookies["pw_session"] = issued
            let resigned = try await again.post("/signin", [("csrf", TestBrowser.csrf(in: form.text) ?? ""), ("login", "alice@clinic-a.example"), ("password", PortalHarness.password)])
            #expect(resigned.status == 303)
            #expect(again.cookies["pw_session"] != issued && again.cookies["pw_session"] != nil)
            let stored = try await h.database.query("SELECT COUNT(*) AS n FROM portal_sessions WHERE token_hash = ?", SessionToken.hash(issued))
            #expect(try stored[0].get("n", as: Int.self) == 0)
            #expect(try await browser.get("/dashboard").status == 303)
            // only the hash of the token is stored
            let raw = try await h.database.query("SELECT COUNT(*) AS n FROM portal_sessions WHERE token_hash = ?", issued)
            #expect(try raw[0].get("n", as: Int.self) == 0)
        }
    }

    @Test func aFormWithoutTheRightTokenIs403() async throws {
        try await PortalHarness.with { h in
            // setup
            let browser = h.browser()
            try await browser.signIn("alice@clinic-a.example", PortalHarness.password)
            let token = try #require(TestBrowser.csrf(in: try await browser.get("/dashboard").text))
            // act
            let missing = try await browser.post("/signout", [])
            let wrong = try await browser.post("/signout", [("csrf", String(repeating: "x", count: 43))])
            let anonymousSignIn = try await h.client.post("/signin", form: [("login", "alice@clinic-a.example"), ("password", PortalHarness.password)])
            let stillSignedIn = try await browser.get("/dashboard").status
            let right = try await browser.post("/signout", [("csrf", token)])
            // check
            #expect(missing.status == 403 && missing.text.contains("Not allowed"))
            #expect(wrong.status == 403)
            #expect(anonymousSignIn.status == 403 && anonymousSignIn.header("Set-Cookie") == nil)
            #expect(stillSignedIn == 200)
            #expect(right.status == 303)
            #expect(try await browser.get("/dashboard").status == 303)
        }
    }

    @Test func theSecurityPolicyLocksAUserAfterItsFailedAttempts() async throws {
        try await PortalHarness.with { h in
            // setup: company A allows 3 attempts, locked until an admin unlocks
            var policy = SecurityPolicy.standard
            policy.lockoutAttempts = 3
            policy.lockoutMinutes = 0
            try await SettingsRepository(database: h.database).set(Settings.securityPolicy, to: policy, atAccount: h.companyA.id, scope: h.platform.scope)
            let browser = h.browser()
            // act
            let first = try await browser.signIn("alice@clinic-a.example", "wrong-1")
            let second = try await browser.signIn("alice@clinic-a.example", "wrong-2")
            let third = try await browser.signIn("alice@clinic-a.example", "wrong-3")
            let withRightPassword = try await browser.signIn("alice@clinic-a.example", PortalHarness.password)
            // company B keeps the platform default (5): two failures do not lock Bob
            let other = h.browser()
            try await other.signIn("bob@firm-b.example", "nope")
            try await other.signIn("bob@firm-b.example", "nope")
            try await other.signIn("bob@firm-b.example", "nope")
            let bob = try await other.signIn("bob@firm-b.example", PortalHarness.password)
            // check
            #expect(first.status == 401 && second.status == 401)
            #expect(third.status == 403 && third.text.contains("locked"))
            #expect(withRightPassword.status == 403 && browser.cookies["pw_session"] == nil)
            let row = try await h.database.query("SELECT status, locked_until FROM users WHERE id = ?", h.userA.id)[0]
            #expect(try await row.get("status", as: String.self) == "locked")
            #expect(bob.status == 303)
            // an admin unlock lets Alice in again
            try await h.users.setStatus(userID: h.userA.id, .active, scope: h.platform.scope)
            try await h.database.execute("UPDATE users SET failed_sign_ins = 0 WHERE id = ?", h.userA.id)
            #expect(try await browser.signIn("alice@clinic-a.example", PortalHarness.password).status == 303)
        }
    }

    @Test func anIdleSessionEndsAfterThePolicyTimeout() async throws {
        try await PortalHarness.with { h in
            // setup
            let browser = h.browser()
            try await browser.signIn("alice@clinic-a.example", PortalHarness.password)
            #expect(try await browser.get("/dashboard").status == 200)
            let timeout: Int = try await h.database.query("SELECT idle_timeout_seconds FROM portal_sessions")[0].get("idle_timeout_seconds")
            // act: the session was last seen just over its timeout ago
            try await h.database.execute("UPDATE portal_sessions SET last_seen_at = ?", Date().addingTimeInterval(-Double(timeout) - 5))
            let response = try await browser.get("/dashboard")
            // check
            #expect(timeout == SecurityPolicy.standard.sessionTimeoutMinutes * 60)
            #expect(response.status == 303)
            #expect(try await h.database.query("SELECT COUNT(*) AS n FROM portal_sessions")[0].get("n", as: Int.self) == 0)
        }
    }

    @Test func signOutEverywhereEndsEverySessionOfTheUser() async throws {
        try await PortalHarness.with { h in
            // setup: Alice on two devices, Bob on one
            let laptop = h.browser(), phone = h.browser(), bob = h.browser()
            try await laptop.signIn("alice@clinic-a.example", PortalHarness.password)
            try await phone.signIn("alice@clinic-a.example", PortalHarness.password)
            try await bob.signIn("bob@firm-b.example", PortalHarness.password)
            let token = try #require(TestBrowser.csrf(in: try await laptop.get("/dashboard").text))
            // act
            let response = try await laptop.post("/signout-everywhere", [("csrf", token)])
            // check
            #expect(response.status == 303)
            #expect(try await laptop.get("/dashboard").status == 303)
            #expect(try await phone.get("/dashboard").status == 303)
            #expect(try await bob.get("/dashboard").status == 200)
        }
    }
}
