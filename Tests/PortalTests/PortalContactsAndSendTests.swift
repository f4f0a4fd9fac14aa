import Foundation
import PagewireCore
import Testing

/// Contacts with CSV import, and sending a fax from the portal.
@Suite("Portal contacts and send fax")
struct PortalContactsAndSendTests {
    @Test func csvImportKeepsGoodRowsAndReportsEachBadRowByLine() async throws {
        try await PortalHarness.with { h in
            // setup
            let csv = #"""
                first_name,last_name,fax,email,company,department
                Ada,Lovelace,+1 206 555 0101,ada@example.com,Analytical,R&D
                Bad,Number,12345,,,
                "Hopper, Grace",,(312) 555-0199,grace@example.com,"Navy ""Yard""",
                ,,+12065550102,,,
                Too,Many,+12065550103,,,,extra
                Alan,Turing,+441632960123,not-an-email,,

                """#
            let alice = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            let token = try #require(TestBrowser.csrf(in: try await alice.get("/contacts").text))
            // act
            let report = try await alice.postMultipart("/contacts/import", fields: [("csrf", token)],
                                                       files: [("file", "contacts.csv", "text/csv", Array(csv.utf8))])
            let list = try await alice.get("/contacts")
            // check
            #expect(report.status == 200)
            #expect(report.text.contains("2 contact(s) imported"))
            let lines = report.text.matches(of: #/<tr><td>(\d+)</td><td>/#).map { Int($0.output.1)! }
            #expect(lines == [3, 5, 6, 7])
            #expect(list.text.contains("Ada Lovelace") && list.text.contains("Hopper, Grace") && list.text.contains("+13125550199"))
            #expect(!list.text.contains("Turing"))
            let custom: String? = try await h.database.query("SELECT custom_json FROM contacts WHERE last_name = 'Lovelace'")[0].optional("custom_json")
            #expect(custom == #"{"department":"R&D"}"#)
        }
    }

    @Test func anotherTenantsContactIsNotFound() async throws {
        try await PortalHarness.with { h in
            // setup
            let id = try await ContactRepository(database: h.database).create(
                accountID: h.companyA.id, firstName: "Secret", lastName: "Client", fax: "+12065550177", scope: h.platform.scope)
            let alice = h.browser(), bob = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            try await bob.signIn("bob@firm-b.example", PortalHarness.password)
            // act
            let own = try await alice.get("/contacts/\(id)")
            let foreign = try await bob.get("/contacts/\(id)")
            let bobsList = try await bob.get("/contacts?q=Secret")
            // check
            #expect(own.status == 200 && own.text.contains("+12065550177"))
            #expect(foreign.status == 404)
            #expect(!bobsList.text.contains("+12065550177") && bobsList.text.contains("No contacts yet"))
        }
    }

    @Test func sendingAFaxStoresTheDocumentAndTheFaxIsInTheOutboxAtOnce() async throws {
        try await PortalHarness.with { h in
            // setup
            let contact = try await ContactRepository(database: h.database).create(
                accountID: h.companyA.id, firstName: "Dr", lastName: "Who", fax: "+12065550144", scope: h.platform.scope)
            let alice = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            let form = try await alice.get("/send")
            let token = try #require(TestBrowser.csrf(in: form.text))
            let pdf = Array("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".utf8)
            // act
            let sent = try await alice.postMultipart(
                "/send", fields: [("csrf", token), ("recipients", "(206) 555-0100"), ("contact", "\(contact)"), ("quality", "superfine")],
                files: [("files", "letter.pdf", "application/pdf", pdf)])
            let outbox = try await alice.get("/outbox")
            // check
            #expect(sent.status == 303 && sent.header("Location") == "/outbox")
            let faxes = try await h.database.query("SELECT id, state, remote_number, quality FROM faxes ORDER BY remote_number")
            #expect(try faxes.map { try $0.get("remote_number", as: String.self) } == ["+12065550100", "+12065550144"])
            #expect(try faxes.allSatisfy { try $0.get("state", as: String.self) == "submitted" && $0.get("quality", as: String.self) == "superfine" })
            let documents: Int = try await h.database.query("SELECT COUNT(*) AS n FROM fax_documents WHERE role = 'original'")[0].get("n")
            #expect(documents == 2)
            #expect(outbox.text.contains("+12065550100") && outbox.text.contains("+12065550144"))
        }
    }

    @Test func aRefusedSubmissionLeavesNoDocumentBehind() async throws {
        try await PortalHarness.with { h in
            // setup: company A blocks one number; company B has no vault
            try await SettingsRepository(database: h.database).set(Settings.outboundBlocklist, to: ["+12065550666"], atAccount: h.companyA.id, scope: h.platform.scope)
            let alice = h.browser(), bob = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            try await bob.signIn("bob@firm-b.example", PortalHarness.password)
            let pdf = Array("%PDF-1.4\n%%EOF\n".utf8)
            // act
            let blocked = try await alice.postMultipart(
                "/send", fields: [("csrf", TestBrowser.csrf(in: try await alice.get("/send").text) ?? ""), ("recipients", "+12065550666")],
                files: [("files", "a.pdf", "application/pdf", pdf)])
            let badType = try await alice.postMultipart(
                "/send", fields: [("csrf", TestBrowser.csrf(in: try await alice.get("/send").text) ?? ""), ("recipients", "+12065550100")],
                files: [("files", "a.exe", "application/octet-stream", pdf)])
            let noVault = try await bob.postMultipart(
                "/send", fields: [("csrf", TestBrowser.csrf(in: try await bob.get("/send").text) ?? ""), ("recipients", "+12065550100")],
                files: [("files", "a.pdf", "application/pdf", pdf)])
            // check
            #expect(blocked.status == 400 && blocked.text.contains("blocklist"))
            #expect(badType.status == 400 && badType.text.contains("cannot be faxed"))
            #expect(noVault.status == 400 && noVault.text.contains("vault"))
            #expect(try await h.database.query("SELECT COUNT(*) AS n FROM faxes")[0].get("n", as: Int.self) == 0)
            #expect(try await h.database.query("SELECT COUNT(*) AS n FROM documents")[0].get("n", as: Int.self) == 0)
        }
    }
}
