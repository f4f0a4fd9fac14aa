import Foundation
import PagewireCore
import Testing

@Suite("Inbox: bulk resubmit")
struct InboxResubmitTests {
    /// A fax received on company A for `userID` (two pages in the vault).
    static func received(_ h: PortalHarness, userID: Int64) async throws -> Int64 {
        let inbound = InboundFaxes(database: h.database)
        let id = try await inbound.begin(companyID: h.companyA.id, accountID: h.companyA.id, userID: userID, queueName: nil,
                                         callerNumber: "+12065550199", calledNumber: "+12065550100", worker: "test")
        let tiff = try await h.vault.documents.put(companyID: h.companyA.id, accountID: h.companyA.id, kind: .faxTIFF, contentType: "image/tiff",
                                                   bytes: Array("II*\0two pages".utf8))
        try await inbound.finish(faxID: id, report: AttemptReport(result: .ok, pagesSent: 2), pages: 2, partial: false, document: tiff)
        try await h.database.execute("UPDATE faxes SET state = 'delivered' WHERE id = ?", id)  // its first delivery went through
        return id
    }

    @Test func tickedFaxesAreQueuedAgainWithAResultPerFax() async throws {
        try await PortalHarness.with { h in
            // setup: one delivered fax of Alice's, one failed reception, and an id of nothing
            let id = try await Self.received(h, userID: h.userA.id)
            let failed = try await InboundFaxes(database: h.database).begin(
                companyID: h.companyA.id, accountID: h.companyA.id, userID: h.userA.id, queueName: nil, callerNumber: "", calledNumber: "+12065550100", worker: "t")
            try await InboundFaxes(database: h.database).finish(faxID: failed, report: AttemptReport(result: .negotiationFailed), pages: 0, partial: false, document: nil)
            let alice = h.browser()
            try await alice.signIn(h.userA.email, PortalHarness.password)
            let inbox = try await alice.get("/inbox")
            #expect(inbox.text.contains("action=\"/inbox/resubmit\"") && inbox.text.contains("name=\"id\" value=\"\(id)\""))
            let csrf = try #require(TestBrowser.csrf(in: inbox.text))
            // act
            let answer = try await alice.post("/inbox/resubmit", [("csrf", csrf), ("id", "\(id)"), ("id", "\(failed)"), ("id", "999999")])
            // check: one queued (a new delivery round), the others say why not
            #expect(answer.status == 200 && answer.text.contains("1 fax(es) queued"))
            #expect(answer.text.contains("Queued: it is delivered again") && answer.text.contains("nothing was received") && answer.text.contains("Not found."))
            #expect(try await h.database.query("SELECT state FROM faxes WHERE id = ?", id)[0].get("state", as: String.self) == "delivering")
            let rounds: Int = try await h.database.query("SELECT COUNT(*) AS n FROM work WHERE kind = ? AND payload_json LIKE ?",
                                                         InboundFaxes.deliverKind, "%\"round\":%")[0].get("n")
            #expect(rounds == 1)
            #expect(try await alice.post("/inbox/resubmit", [("csrf", csrf)]).status == 400)
            // another tenant's user cannot resubmit company A's fax
            let bob = h.browser()
            try await bob.signIn(h.userB.email, PortalHarness.password)
            let bobCSRF = try #require(TestBrowser.csrf(in: try await bob.get("/inbox").text))
            try await h.database.execute("UPDATE faxes SET state = 'delivered' WHERE id = ?", id)
            let refused = try await bob.post("/inbox/resubmit", [("csrf", bobCSRF), ("id", "\(id)")])
            #expect(refused.text.contains("0 fax(es) queued") && refused.text.contains("Not found."))
            #expect(try await h.database.query("SELECT state FROM faxes WHERE id = ?", id)[0].get("state", as: String.self) == "delivered")
        }
    }
}
