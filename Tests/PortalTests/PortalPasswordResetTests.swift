import Foundation
import PagewireCore
import Testing

/// Forgot-password by e-mailed one-time link, over real HTTP and a real SMTP server.
@Suite("Portal forgot-password")
struct PortalPasswordResetTests {
    /// Runs every queued `password.reset_mail` item as `pagewire-jobs` would, through `sink`.
    static func mailQueuedLinks(_ h: PortalHarness, sink: SMTPSink) async throws -> [PasswordResetMailer.Outcome] {
        let mailer = PasswordResetMailer(
            database: h.database, relay: .init(url: "smtp://127.0.0.1:\(sink.port)", from: "fax@pagewire.test"), publicURL: "https://portal.pagewire.test")
        let queue = WorkQueue(database: h.database, owner: "test")
        var outcomes: [PasswordResetMailer.Outcome] = []
        while let item = try await queue.claim(kinds: [PasswordReset.mailKind]).first {
            outcomes.append(try await mailer.handle(payload: item.payload))
            _ = try await queue.complete(item)
        }
        return outcomes
    }

    /// The link in a reset e-mail.
    static func link(in text: String) -> String? {
        guard let range = text.range(of: #"https://[^\s]+/reset-password\?token=[A-Za-z0-9_-]{43}"#, options: .regularExpression) else { return nil }
        return String(text[range])
    }

    /// A page with every anti-forgery token blanked (they differ per response by design).
    static func withoutTokens(_ html: String) -> String {
        html.replacingOccurrences(of: #"name="csrf" value="[^"]*""#, with: "csrf", options: .regularExpression)
    }

    @Test func aLinkSetsANewPasswordOnceAndNothingRevealsWhichAccountsExist() async throws {
        try await PortalHarness.with { h in
            // setup: Alice's reseller has a brand on its own host; Alice is signed in elsewhere
            let brands = BrandRepository(database: h.database)
            try await brands.save(
                Brand(accountID: h.reseller.id, name: "FaxResell Cloud", pageTitle: "FaxResell", logoURL: nil, footerText: "FaxResell",
                      primaryColour: "#112233", accentColour: "#445566", supportEmail: nil),
                accountID: h.reseller.id, scope: h.platform.scope)
            try await brands.addDomain("fax.resell.example", accountID: h.reseller.id, scope: h.platform.scope)
            let sink = try SMTPSink()
            defer { sink.stop() }
            let elsewhere = h.browser()
            #expect(try await elsewhere.signIn("alice@clinic-a.example", PortalHarness.password).status == 303)
            let stranger = h.browser(host: "evil.example")

            // act: a request for Alice (through a forged Host) and one for nobody
            let form = try await stranger.get("/forgot-password")
            #expect(form.status == 200 && form.text.contains("E-mail me a link"))
            let forAlice = try await stranger.post("/forgot-password", [("csrf", TestBrowser.csrf(in: form.text) ?? ""), ("login", "ALICE@clinic-a.example")])
            let form2 = try await stranger.get("/forgot-password")
            let forNobody = try await stranger.post("/forgot-password", [("csrf", TestBrowser.csrf(in: form2.text) ?? ""), ("login", "nobody@clinic-a.example")])
            // check: the same answer for both (status and page, but for the login echoed back)
            #expect(forAlice.status == 200 && forNobody.status == 200)
            #expect(Self.withoutTokens(forAlice.text).replacingOccurrences(of: "ALICE@clinic-a.example", with: "X")
                    == Self.withoutTokens(forNobody.text).replacingOccurrences(of: "nobody@clinic-a.example", with: "X"))
            #expect(forAlice.text.contains("we have sent a link"))
            // without the form's token, nothing is queued
            #expect(try await h.client.post("/forgot-password", form: [("login", "alice@clinic-a.example")]).status == 403)

            // act: pagewire-jobs handles both requests
            #expect(try await Self.mailQueuedLinks(h, sink: sink) == [.sent, .noSuchUser])
            // check: one e-mail, to Alice, in her reseller's brand, linking to the brand's host (not the forged one)
            let mails = sink.messages
            #expect(mails.count == 1)
            #expect((mails.first?["rcpt_tos"] as? [String]) == ["alice@clinic-a.example"])
            let text = try #require(mails.first?["data"] as? String)
            #expect(text.contains("Subject: Reset your FaxResell Cloud password") && text.contains("Auto-Submitted: auto-generated"))
            let link = try #require(Self.link(in: text), "\(text)")
            #expect(link.hasPrefix("https://fax.resell.example/reset-password?token="))
            let path = String(link.dropFirst("https://fax.resell.example".count))
            let token = String(path.dropFirst("/reset-password?token=".count))
            // only the token's hash is stored
            #expect(try await h.database.query("SELECT COUNT(*) AS n FROM password_resets WHERE token_hash = ?", token)[0].get("n", as: Int.self) == 0)

            // act: opening the link changes nothing (mail scanners open links); a weak password is refused
            let user = h.browser()
            let page = try await user.get(path)
            #expect(page.status == 200 && page.text.contains("Choose a new password") && page.text.contains("at least 10 characters"))
            let csrf = TestBrowser.csrf(in: page.text) ?? ""
            let weak = try await user.post("/reset-password", [("csrf", csrf), ("token", token), ("new", "short"), ("confirm", "short")])
            #expect(weak.status == 400 && weak.text.contains("The new password needs at least 10 characters"))
            // a reused password breaks the history rule
            // (each answer to an anonymous form carries a fresh token, as a browser would resend it)
            let reused = try await user.post("/reset-password", [("csrf", TestBrowser.csrf(in: weak.text) ?? ""), ("token", token), ("new", PortalHarness.password), ("confirm", PortalHarness.password)])
            #expect(reused.status == 400 && reused.text.contains("must differ from your last"))
            // act: a good one
            let newPassword = "Fresh-Start-42horse"
            let done = try await user.post("/reset-password", [("csrf", TestBrowser.csrf(in: reused.text) ?? ""), ("token", token), ("new", newPassword), ("confirm", newPassword)])
            // check: changed, every session ended, old password out, new one in
            #expect(done.status == 200 && done.text.contains("Password changed"), "\(done.text)")
            #expect(try await elsewhere.get("/dashboard").status == 303)
            #expect(try await h.browser().signIn("alice@clinic-a.example", PortalHarness.password).status == 401)
            #expect(try await h.browser().signIn("alice@clinic-a.example", newPassword).status == 303)
            // check: the link works once
            let again = try await user.get(path)
            #expect(again.status == 400 && again.text.contains("no longer valid"))
            let replay = try await user.post("/reset-password", [("csrf", user.cookies["pw_csrf"] ?? ""), ("token", token), ("new", "Another-One-77x"), ("confirm", "Another-One-77x")])
            #expect(replay.status == 400 && replay.text.contains("no longer valid"))
            #expect(try await h.browser().signIn("alice@clinic-a.example", newPassword).status == 303)
            // check: the reset is audited, and Alice's vault access waits for a key holder (the old password was not used)
            #expect(try await h.database.query("SELECT COUNT(*) AS n FROM audit_log WHERE detail = 'password set through an e-mailed reset link'")[0].get("n", as: Int.self) == 1)
            #expect(try await CompanyKeyring(database: h.database).pendingUsers(companyID: h.companyA.id).contains(h.userA.id))
            #expect(try await h.database.query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'key.reset' AND detail LIKE 'password reset by the user%'")[0]
                .get("n", as: Int.self) == 1)
        }
    }

    @Test func linksExpireAndRequestsAreRateLimited() async throws {
        try await PortalHarness.with { h in
            // setup: a link issued longer ago than its lifetime
            let reset = PasswordReset(database: h.database)
            let old = try await reset.issue(userID: h.userB.id, now: Date().addingTimeInterval(-PasswordReset.lifetime - 60))
            // check: expired links show no form and set nothing
            let page = try await h.browser().get("/reset-password?token=\(old)")
            #expect(page.status == 400 && !page.text.contains("name=\"new\""))
            await #expect(throws: PasswordReset.Failure.invalidLink) {
                try await reset.complete(token: old, new: "Fresh-Start-42horse", confirmation: "Fresh-Start-42horse", remoteAddress: nil)
            }
            // check: a newer link replaces an older unused one
            let first = try await reset.issue(userID: h.userB.id)
            let second = try await reset.issue(userID: h.userB.id)
            #expect(try await reset.userID(forToken: first) == nil)
            #expect(try await reset.userID(forToken: second) == h.userB.id)

            // act: one login asked for more often than the limit within the hour (from the same browser)
            let browser = h.browser()
            var statuses: [Int] = []
            for _ in 0...PasswordReset.requestsPerHourPerLogin {
                let form = try await browser.get("/forgot-password")
                statuses.append(try await browser.post("/forgot-password", [("csrf", TestBrowser.csrf(in: form.text) ?? ""), ("login", "bob@firm-b.example")]).status)
            }
            // check: the last is refused, and as many items are queued as were accepted
            #expect(statuses == Array(repeating: 200, count: PasswordReset.requestsPerHourPerLogin) + [429])
            let queued = try await h.database.query("SELECT COUNT(*) AS n FROM work WHERE kind = ?", PasswordReset.mailKind)[0].get("n", as: Int.self)
            #expect(queued == PasswordReset.requestsPerHourPerLogin)
            // the limit holds for an unknown login too (no difference to learn from)
            var unknown: [Int] = []
            for _ in 0...PasswordReset.requestsPerHourPerLogin {
                unknown.append(try await reset.request(login: "ghost@nowhere.example", remoteAddress: "192.0.2.99") == .queued ? 200 : 429)
            }
            #expect(unknown == statuses)
        }
    }
}
