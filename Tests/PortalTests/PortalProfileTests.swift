import Foundation
import PagewireCore
import Testing

/// `/profile`: display name and one's own sending addresses for e-mail to fax, over real HTTP.
@Suite("Portal profile")
struct PortalProfileTests {
    @Test func aUserNamesThemselvesAndManagesTheirOwnSendingAddresses() async throws {
        try await PortalHarness.with { h in
            // setup: company A has a fax domain and a second user, Carol
            try await FaxDomainRepository(database: h.database).add("fax.clinic-a.example", companyID: h.companyA.id, scope: h.companyA.scope)
            _ = try await h.users.create(accountID: h.companyA.id, email: "carol@clinic-a.example", password: nil, scope: h.platform.scope)
            let alice = h.browser()
            #expect(try await alice.signIn("alice@clinic-a.example", PortalHarness.password).status == 303)

            // act
            let page = try await alice.get("/profile")
            // check: her details, where to e-mail faxes, the menu entry marked current
            #expect(page.status == 200)
            #expect(page.text.contains(#"href="/profile" aria-current="page""#))
            #expect(page.text.contains("2065550100@fax.clinic-a.example"))
            #expect(page.text.contains(#"href="/profile/password""#))
            let csrf = try #require(TestBrowser.csrf(in: page.text))

            // act: a new display name, and one too long
            #expect(try await alice.post("/profile/name", [("csrf", csrf), ("display_name", "Dr. Alice Anders")]).status == 303)
            let tooLong = try await alice.post("/profile/name", [("csrf", csrf), ("display_name", String(repeating: "x", count: 101))])
            // check
            #expect(tooLong.status == 400 && tooLong.text.contains("at most 100 characters"))
            #expect(try await h.users.get(h.userA.id, scope: h.companyA.scope)?.displayName == "Dr. Alice Anders")
            #expect(try await alice.get("/dashboard").text.contains("Dr. Alice Anders"))

            // act: a scanner address of her own: a link goes to that address first
            let sink = try SMTPSink()
            defer { sink.stop() }
            let requested = try await alice.post("/profile/addresses", [("csrf", csrf), ("address", "Scanner-2@Clinic-A.example")])
            #expect(requested.status == 303 && requested.header("Location")?.hasPrefix("/profile?done=verify") == true)
            let senders = SendingAddressRepository(database: h.database)
            #expect(try await senders.authorisedSender("scanner-2@clinic-a.example", companyID: h.companyA.id) == nil)
            let mailer = SendingAddressVerificationMailer(
                database: h.database, relay: .init(url: "smtp://127.0.0.1:\(sink.port)", from: "fax@pagewire.test"), publicURL: "https://portal.pagewire.test")
            let queue = WorkQueue(database: h.database, owner: "test")
            let item = try #require(try await queue.claim(kinds: [SendingAddressVerification.mailKind]).first)
            try await mailer.handle(payload: item.payload)
            _ = try await queue.complete(item)
            let mail = try #require(sink.messages.first)
            #expect((mail["rcpt_tos"] as? [String]) == ["scanner-2@clinic-a.example"])
            let text = mail["data"] as? String ?? ""
            let range = try #require(text.range(of: #"/profile/addresses/confirm\?token=[A-Za-z0-9_-]{43}"#, options: .regularExpression), "\(text)")
            #expect(text.contains("https://portal.pagewire.test/profile/addresses/confirm?token="))
            let link = String(text[range])
            let token = String(link.dropFirst("/profile/addresses/confirm?token=".count))
            // check: someone else signed in cannot use Alice's link; opening it changes nothing
            let bob = h.browser()
            #expect(try await bob.signIn("bob@firm-b.example", PortalHarness.password).status == 303)
            #expect(try await bob.get(link).status == 400)
            let confirmPage = try await alice.get(link)
            #expect(confirmPage.status == 200 && confirmPage.text.contains("scanner-2@clinic-a.example"))
            #expect(try await senders.authorisedSender("scanner-2@clinic-a.example", companyID: h.companyA.id) == nil)
            // act: Alice confirms
            let confirmed = try await alice.post("/profile/addresses/confirm", [("csrf", csrf), ("token", token)])
            // check: listed, and the gateway now takes her mail from it; the link works once
            #expect(confirmed.status == 303 && confirmed.header("Location") == "/profile?done=added")
            #expect(try await alice.get("/profile?done=added").text.contains("<li>scanner-2@clinic-a.example"))
            #expect(try await senders.authorisedSender("scanner-2@clinic-a.example", companyID: h.companyA.id)?.id == h.userA.id)
            #expect(try await alice.post("/profile/addresses/confirm", [("csrf", csrf), ("token", token)]).status == 400)

            // check: a colleague's own address cannot be claimed, nor an address of someone else's list removed
            let claimed = try await alice.post("/profile/addresses", [("csrf", csrf), ("address", "carol@clinic-a.example")])
            #expect(claimed.status == 400 && claimed.text.contains("is the e-mail address of another user"))
            #expect(try await senders.authorisedSender("carol@clinic-a.example", companyID: h.companyA.id)?.email == "carol@clinic-a.example")
            let notHers = try await alice.post("/profile/addresses/remove", [("csrf", csrf), ("address", "nobody@clinic-a.example")])
            #expect(notHers.status == 400 && notHers.text.contains("not one of yours"))
            // a form without the session's token changes nothing
            #expect(try await alice.post("/profile/addresses", [("address", "x@clinic-a.example")]).status == 403)
            #expect(try await alice.post("/profile/name", [("csrf", "forged"), ("display_name", "Mallory")]).status == 403)

            // act: removed again
            #expect(try await alice.post("/profile/addresses/remove", [("csrf", csrf), ("address", "scanner-2@clinic-a.example")]).status == 303)
            // check
            #expect(try await senders.authorisedSender("scanner-2@clinic-a.example", companyID: h.companyA.id) == nil)
            #expect(try await alice.get("/profile").text.contains("No other sending address yet."))
            // check: Bob in company B sees his own (empty) profile, nothing of Alice's
            let bobs = try await bob.get("/profile")
            #expect(bobs.status == 200 && !bobs.text.contains("clinic-a") && bobs.text.contains("no fax domain yet"))
        }
    }
}
