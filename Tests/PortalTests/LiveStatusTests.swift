import Foundation
import PagewireCore
import Testing

/// The outbox's and fax page's live status: the JSON they poll, its tenant scoping, the script
/// they load (under the CSP), and pages that stay whole without it.
@Suite("Portal live status")
struct LiveStatusTests {
    static func json(_ response: HTTPTestClient.Response) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
    }

    @Test func theAnswerFollowsTheFaxAndReadsLikeTheFaxPage() async throws {
        try await PortalHarness.with { h in
            // setup: one fax of Alice's in the queue
            let id = try await h.insertFax(user: h.userA, account: h.companyA, number: "+12065550100", state: "queued", pages: 3)
            try await h.database.execute("UPDATE faxes SET pages_sent = 0, attempts = 0 WHERE id = ?", id)
            let alice = h.browser()
            try await alice.signIn(h.userA.email, PortalHarness.password)
            // act
            let queued = try await alice.get("/live/faxes?id=\(id)")
            // check
            #expect(queued.status == 200 && queued.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(queued.header("Cache-Control") == "no-store")
            let first = try #require((try Self.json(queued)["faxes"] as? [[String: Any]])?.first)
            #expect(first["id"] as? Int == Int(id) && first["stateCode"] as? String == "queued" && first["final"] as? Bool == false)
            #expect(first["state"] as? String == "queued" && first["pages"] as? String == "0/3" && first["result"] as? String == "")

            // act: the fax goes out
            try await h.database.execute(
                "UPDATE faxes SET state = 'delivered', result_code = 'ok', pages_sent = 3, attempts = 1 WHERE id = ?", id)
            let delivered = try await alice.get("/live/faxes?id=\(id)&id=\(id)")
            let page = try await alice.get("/faxes/\(id)")
            // check: the same words as the page rendered now, once per fax
            let faxes = try #require(try Self.json(delivered)["faxes"] as? [[String: Any]])
            #expect(faxes.count == 1)
            let fax = try #require(faxes.first)
            #expect(fax["final"] as? Bool == true && fax["stateCode"] as? String == "delivered")
            for (key, field) in [("state", "state"), ("resultLong", "resultLong"), ("pagesLong", "pagesLong"), ("attemptsLong", "attemptsLong")] {
                let text = try #require(fax[field] as? String)
                #expect(page.text.contains("data-live=\"\(key)\">\(text)</dd>"), "\(key): \(text)")
            }
            #expect(fax["resultLong"] as? String == "Success (ok)" && fax["pagesLong"] as? String == "3 of 3 sent")
        }
    }

    @Test func anotherTenantsOrUsersFaxIsNotFoundAndAnonymousPollingIsRefused() async throws {
        try await PortalHarness.with { h in
            // setup: Alice's fax, a colleague's fax (Alice sees only her own), Bob of another company
            let alicesFax = try await h.insertFax(user: h.userA, account: h.companyA, state: "sending")
            let colleague = try await h.users.create(accountID: h.companyA.id, email: "carl@clinic-a.example", password: PortalHarness.password, scope: h.platform.scope)
            let colleaguesFax = try await h.insertFax(user: colleague, account: h.companyA, state: "sending")
            let alice = h.browser(), bob = h.browser()
            try await alice.signIn(h.userA.email, PortalHarness.password)
            try await bob.signIn(h.userB.email, PortalHarness.password)
            // act
            let foreign = try await bob.get("/live/faxes?id=\(alicesFax)")
            let missing = try await bob.get("/live/faxes?id=999999999")
            let mixed = try await alice.get("/live/faxes?id=\(alicesFax)&id=\(colleaguesFax)")
            let own = try await alice.get("/live/faxes?id=\(alicesFax)")
            let anonymous = try await h.browser().get("/live/faxes?id=\(alicesFax)")
            let unreadable = try await alice.get("/live/faxes?id=\(alicesFax)&id=x")
            let none = try await alice.get("/live/faxes")
            let tooMany = try await alice.get("/live/faxes?" + (1...101).map { "id=\($0)" }.joined(separator: "&"))
            // check
            #expect(foreign.status == 404 && missing.status == 404 && foreign.text == missing.text)
            #expect(!foreign.text.contains("sending"))
            #expect(mixed.status == 404 && !mixed.text.contains("sending"))
            #expect(own.status == 200 && own.text.contains("\"stateCode\":\"sending\""))
            #expect(anonymous.status == 401 && !anonymous.text.contains("sending"))
            #expect(unreadable.status == 400 && none.status == 400 && tooMany.status == 400)
        }
    }

    @Test func pollingDoesNotKeepAnIdleSessionAlive() async throws {
        try await PortalHarness.with { h in
            // setup: a session last active two minutes ago (past the touch interval)
            let id = try await h.insertFax(user: h.userA, account: h.companyA, state: "queued")
            let alice = h.browser()
            try await alice.signIn(h.userA.email, PortalHarness.password)
            let earlier = Date().addingTimeInterval(-120)
            try await h.database.execute("UPDATE portal_sessions SET last_seen_at = ?", earlier)
            func lastSeen() async throws -> Date { try await h.database.query("SELECT last_seen_at FROM portal_sessions")[0].get("last_seen_at") }
            // act: the script polls
            #expect(try await alice.get("/live/faxes?id=\(id)").status == 200)
            // check: not counted as activity; a page the user opens is
            #expect(abs(try await lastSeen().timeIntervalSince(earlier)) < 1.5)
            #expect(try await alice.get("/outbox").status == 200)
            #expect(try await lastSeen().timeIntervalSince(earlier) > 60)
        }
    }

    @Test func pagesLoadTheScriptOnlyWhileAStatusCanChangeAndWorkWithoutIt() async throws {
        try await PortalHarness.with { h in
            // setup
            let sending = try await h.insertFax(user: h.userA, account: h.companyA, number: "+12065550101", state: "sending")
            let alice = h.browser()
            try await alice.signIn(h.userA.email, PortalHarness.password)
            // act
            let outbox = try await alice.get("/outbox")
            let detail = try await alice.get("/faxes/\(sending)")
            let script = try await alice.get("/static/live-status.js")
            // check: the rows and facts carry what the script updates; the status is in the HTML itself
            let tag = "<script src=\"/static/live-status.js\" defer></script>"
            #expect(outbox.text.contains(tag) && detail.text.contains(tag))
            #expect(outbox.text.contains("<tr data-fax-id=\"\(sending)\" data-final=\"false\">"))
            #expect(outbox.text.contains("<td class=\"state\" data-live=\"state\">sending</td>"))
            #expect(detail.text.contains("data-fax-id=\"\(sending)\" data-final=\"false\"") && detail.text.contains("data-live=\"state\">sending</dd>"))
            // no inline script anywhere, and a CSP that allows only the portal's own scripts
            for page in [outbox, detail] {
                #expect(!page.text.contains("<script>") && !page.text.contains("onclick="))
                #expect(page.header("Content-Security-Policy")?.contains("script-src 'self'") == true)
            }
            #expect(script.status == 200 && script.header("Content-Type")?.hasPrefix("text/javascript") == true)
            #expect(script.text.contains("/live/faxes?") && !script.text.contains("innerHTML"))

            // act: nothing left to change
            try await h.database.execute("UPDATE faxes SET state = 'delivered', result_code = 'ok' WHERE id = ?", sending)
            // check: no script, same content
            let settled = try await alice.get("/outbox")
            #expect(!settled.text.contains("live-status.js") && settled.text.contains("data-final=\"true\""))
            #expect(!(try await alice.get("/faxes/\(sending)")).text.contains("live-status.js"))
        }
    }
}
