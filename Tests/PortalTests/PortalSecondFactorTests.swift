import Crypto
import Foundation
import PagewireCore
import Testing

/// TOTP as the second sign-in step of platform and reseller staff, over real HTTP; the codes are
/// computed here, independently of Pagewire's own implementation, from the key the page shows.
@Suite("Portal second factor")
struct PortalSecondFactorTests {
    /// RFC 6238 with HMAC-SHA-1 and 6 digits, written out for the test.
    static func code(key: String, at date: Date) -> String {
        var bits = 0, buffer = 0
        var secret: [UInt8] = []
        for c in key.uppercased() where c != " " {
            guard let v = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567").firstIndex(of: c) else { continue }
            buffer = (buffer << 5) | v
            bits += 5
            if bits >= 8 { secret.append(UInt8((buffer >> (bits - 8)) & 0xff)); bits -= 8 }
        }
        let counter = UInt64(date.timeIntervalSince1970 / 30)
        let message = (0..<8).map { UInt8((counter >> (56 - 8 * UInt64($0))) & 0xff) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let o = Int(mac[19] & 0x0f)
        let value = (Int(mac[o] & 0x7f) << 24 | Int(mac[o + 1]) << 16 | Int(mac[o + 2]) << 8 | Int(mac[o + 3])) % 1_000_000
        return String(format: "%06d", value)
    }

    /// Completes the second step for a staff member who just gave their password (enrolling).
    static func pass(_ browser: TestBrowser) async throws {
        let page = try await browser.get("/signin/second-factor")
        guard let key = key(in: page.text), let csrf = TestBrowser.csrf(in: page.text) else { throw CocoaError(.featureUnsupported) }
        _ = try await browser.post("/signin/second-factor", [("csrf", csrf), ("code", code(key: key, at: Date()))])
    }

    static func key(in html: String) -> String? {
        guard let range = html.range(of: #"<code id="totp-key">[A-Z2-7 ]+</code>"#, options: .regularExpression) else { return nil }
        return String(html[range]).replacingOccurrences(of: #"<[^>]+>"#, with: "", options: .regularExpression)
    }

    @Test func resellerStaffEnrolThenNeedACodeEveryTimeAndCompanyUsersDoNot() async throws {
        try await PortalHarness.with { h in
            // setup: a reseller staff member
            _ = try await h.users.create(accountID: h.reseller.id, email: "ops@resell.example", password: PortalHarness.password, scope: h.platform.scope)
            let ops = h.browser()

            // act: the password alone
            let signedIn = try await ops.signIn("ops@resell.example", PortalHarness.password)
            // check: only the second step is reachable
            #expect(signedIn.status == 303 && signedIn.header("Location") == "/signin/second-factor")
            let blocked = try await ops.get("/dashboard")
            #expect(blocked.status == 303 && blocked.header("Location") == "/signin/second-factor")
            let enrol = try await ops.get("/signin/second-factor")
            #expect(enrol.status == 200 && enrol.text.contains("otpauth://totp/"))
            let key = try #require(Self.key(in: enrol.text), "\(enrol.text)")
            let csrf = try #require(TestBrowser.csrf(in: enrol.text))
            // the secret is not stored in clear
            let stored = try await h.database.query("SELECT sealed_secret FROM user_totp")[0].get("sealed_secret", as: [UInt8].self)
            let raw = Array(key.replacingOccurrences(of: " ", with: "").utf8)
            #expect(!stored.isEmpty && stored.count != 20 && !String(decoding: stored, as: UTF8.self).contains(String(decoding: raw, as: UTF8.self)))

            // act: a wrong code, then the right one (computed here)
            let now = Date()
            let wrongCode = Self.code(key: key, at: now) == "000000" ? "111111" : "000000"
            let wrong = try await ops.post("/signin/second-factor", [("csrf", csrf), ("code", wrongCode)])
            #expect(wrong.status == 400 && wrong.text.contains("not right"))
            let code = Self.code(key: key, at: now)
            let right = try await ops.post("/signin/second-factor", [("csrf", csrf), ("code", code)])
            // check: through, and enrolled
            #expect(right.status == 303 && right.header("Location") == "/dashboard")
            #expect(try await ops.get("/dashboard").status == 200)
            #expect(try await h.database.query("SELECT confirmed_at FROM user_totp")[0].optional("confirmed_at", as: Date.self) != nil)

            // act: the next sign-in asks for a code without showing the key again
            let again = h.browser()
            #expect(try await again.signIn("ops@resell.example", PortalHarness.password).header("Location") == "/signin/second-factor")
            let prompt = try await again.get("/signin/second-factor")
            #expect(prompt.status == 200 && !prompt.text.contains("otpauth://") && Self.key(in: prompt.text) == nil)
            let promptCSRF = try #require(TestBrowser.csrf(in: prompt.text))
            // check: the code used before is refused (replay); the next step's code works
            #expect(try await again.post("/signin/second-factor", [("csrf", promptCSRF), ("code", code)]).status == 400)
            #expect(try await again.get("/dashboard").status == 303)
            let next = Self.code(key: key, at: now.addingTimeInterval(30))
            #expect(try await again.post("/signin/second-factor", [("csrf", promptCSRF), ("code", next)]).status == 303)
            #expect(try await again.get("/dashboard").status == 200)
            // check: a form without the session's token is refused before any code is checked
            let third = h.browser()
            _ = try await third.signIn("ops@resell.example", PortalHarness.password)
            #expect(try await third.post("/signin/second-factor", [("code", "123456")]).status == 403)

            // act: the authenticator was lost; the operator removes it with pagewire-jobs
            let command = try TestProcess.start(
                "pagewire-jobs", ["reset-second-factor", "--login", "ops@resell.example"],
                environment: ["PAGEWIRE_DATABASE_URL": h.test.url.urlString])
            #expect(command.wait() == 0)
            // check: every session of the user ended; the next sign-in shows a new key
            #expect(try await ops.get("/dashboard").status == 303)
            let fresh = h.browser()
            _ = try await fresh.signIn("ops@resell.example", PortalHarness.password)
            let newKey = Self.key(in: try await fresh.get("/signin/second-factor").text)
            #expect(newKey != nil && newKey != key)

            // check: a company user goes straight in
            let alice = h.browser()
            #expect(try await alice.signIn("alice@clinic-a.example", PortalHarness.password).header("Location") == "/dashboard")
        }
    }

    @Test func guessingIsCutOffAndPlatformOperatorsNeedTheStepToo() async throws {
        try await PortalHarness.with { h in
            // setup: a platform operator
            _ = try await h.users.create(accountID: h.platform.id, email: "root@pagewire.example", password: PortalHarness.password, scope: h.platform.scope)
            let op = h.browser()
            #expect(try await op.signIn("root@pagewire.example", PortalHarness.password).header("Location") == "/signin/second-factor")
            let page = try await op.get("/signin/second-factor")
            let key = try #require(Self.key(in: page.text))
            let csrf = try #require(TestBrowser.csrf(in: page.text))
            // act: wrong codes up to the limit, then even the right one
            let right = Self.code(key: key, at: Date())
            let wrongCode = right == "000000" ? "111111" : "000000"
            var statuses: [Int] = []
            for _ in 0..<SecondFactor.attemptsPerWindow {
                statuses.append(try await op.post("/signin/second-factor", [("csrf", csrf), ("code", wrongCode)]).status)
            }
            let cutOff = try await op.post("/signin/second-factor", [("csrf", csrf), ("code", right)])
            // check
            #expect(statuses == Array(repeating: 400, count: SecondFactor.attemptsPerWindow))
            #expect(cutOff.status == 429)
            #expect(try await op.get("/dashboard").status == 303)
        }
    }
}
