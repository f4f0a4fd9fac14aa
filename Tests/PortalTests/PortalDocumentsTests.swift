import Foundation
import PagewireCore
import Testing

/// The documents library: upload with a title and quality, list, rename, download, delete, and
/// reuse on the send page; bad uploads store nothing; another tenant's ids are 404.
@Suite("Portal documents library")
struct PortalDocumentsTests {
    static func upload(_ browser: TestBrowser, title: String, quality: String = "fine", filename: String = "form.pdf",
                       bytes: [UInt8], csrf: Bool = true) async throws -> HTTPTestClient.Response {
        let token = csrf ? TestBrowser.csrf(in: try await browser.get("/documents").text) ?? "" : ""
        var fields = [("title", title), ("quality", quality)]
        if csrf { fields.insert(("csrf", token), at: 0) }
        return try await browser.postMultipart("/documents", fields: fields, files: [("file", filename, "application/pdf", bytes)])
    }

    static func count(_ table: String, _ h: PortalHarness) async throws -> Int {
        try await h.database.query("SELECT COUNT(*) AS n FROM \(table)")[0].get("n")
    }

    @Test func uploadListRenameDownloadAndDelete() async throws {
        try await PortalHarness.with { h in
            // setup: Alice reads times in Tokyo, day first
            let settings = SettingsRepository(database: h.database)
            try await settings.set(Settings.timeZone, to: "Asia/Tokyo", forUser: h.userA.id, scope: h.platform.scope)
            try await settings.set(Settings.dateFormat, to: "dd.MM.yyyy", forUser: h.userA.id, scope: h.platform.scope)
            let alice = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            let pdf = TestPDF.make(pages: 3)
            // act
            let uploaded = try await Self.upload(alice, title: "Referral <form>", quality: "superfine", bytes: pdf)
            let list = try await alice.get("/documents")
            // check: the row, and the content sealed in the vault without a transit copy
            #expect(uploaded.status == 303 && uploaded.header("Location") == "/documents?done=added")
            let row = try #require(try await h.database.query(
                "SELECT l.id, l.pages, l.quality, l.created_at, d.transit_wrapped_key, d.sealed_key, d.kind FROM library_documents l JOIN documents d ON d.id = l.document_id").first)
            let id: Int64 = try row.get("id")
            #expect(try row.get("pages", as: Int.self) == 3 && row.get("quality", as: String.self) == "superfine" && row.get("kind", as: String.self) == "original")
            #expect(try row.optional("transit_wrapped_key", as: [UInt8].self) == nil && row.optional("sealed_key", as: [UInt8].self) != nil)
            let chunk: [UInt8] = try await h.database.query("SELECT bytes FROM document_chunks")[0].get("bytes")
            #expect(!String(decoding: chunk, as: UTF8.self).contains("%PDF"))
            let tokyo = DateFormatter()
            tokyo.locale = Locale(identifier: "en_US_POSIX")
            tokyo.timeZone = TimeZone(identifier: "Asia/Tokyo")
            tokyo.dateFormat = "dd.MM.yyyy HH:mm"
            let uploadedAt = tokyo.string(from: try row.get("created_at", as: Date.self))
            #expect(list.status == 200)
            #expect(list.text.contains("Referral &lt;form&gt;") && !list.text.contains("Referral <form>"))
            #expect(list.text.contains("<td>3</td>") && list.text.contains("Superfine") && list.text.contains(uploadedAt))
            #expect(list.text.contains(#"href="/documents" aria-current="page""#))

            // act: download, rename, delete
            let file = try await alice.get("/documents/\(id)/file")
            let token = try #require(TestBrowser.csrf(in: try await alice.get("/documents/\(id)").text))
            let renamed = try await alice.post("/documents/\(id)", [("csrf", token), ("title", "Referral form v2")])
            let detail = try await alice.get(try #require(renamed.header("Location")))
            let blank = try await alice.post("/documents/\(id)", [("csrf", token), ("title", "  ")])
            let deleted = try await alice.post("/documents/\(id)/delete", [("csrf", token)])
            let after = try await alice.get(try #require(deleted.header("Location")))
            // check
            #expect(file.status == 200 && file.body == pdf && file.header("Content-Type") == "application/pdf")
            #expect(file.header("Content-Disposition")?.hasPrefix("attachment; filename=\"form.pdf\"") == true)
            #expect(renamed.status == 303 && detail.text.contains("<h1>Referral form v2</h1>") && detail.text.contains("Title saved"))
            #expect(blank.status == 400 && blank.text.contains("Give the document a title"))
            #expect(deleted.status == 303 && after.text.contains("Document deleted") && after.text.contains("No stored documents yet"))
            #expect(try await Self.count("library_documents", h) == 0)
            #expect(try await Self.count("documents", h) == 0)
            let audited: Int = try await h.database.query(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action IN ('document.download', 'document.delete') AND actor_user_id = ?", h.userA.id)[0].get("n")
            #expect(audited == 2)
        }
    }

    @Test func badUploadsAreRefusedWithAReasonAndStoreNothing() async throws {
        try await PortalHarness.with { h in
            // setup
            let alice = h.browser(), bob = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            try await bob.signIn("bob@firm-b.example", PortalHarness.password)
            // act
            let empty = try await Self.upload(alice, title: "Empty", bytes: [])
            let huge = try await Self.upload(alice, title: "Huge", bytes: Array("%PDF-1.4\n".utf8) + [UInt8](repeating: 0x20, count: 10 << 20))
            let program = try await Self.upload(alice, title: "Program", filename: "setup.exe", bytes: [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0xFF, 0xFF])
            let damaged = try await Self.upload(alice, title: "Damaged", bytes: Array("%PDF-1.4\n1 0 obj << /Type /Catalog\n".utf8))
            let quality = try await Self.upload(alice, title: "Quality", quality: "ultra", bytes: TestPDF.make(pages: 1))
            let noVault = try await Self.upload(bob, title: "Bob's", bytes: TestPDF.make(pages: 1))
            let forged = try await Self.upload(alice, title: "Forged", bytes: TestPDF.make(pages: 1), csrf: false)
            // check
            #expect(empty.status == 400 && empty.text.contains("The file you chose is empty"))
            #expect(huge.status == 400 && huge.text.contains("larger than 10 MiB"))
            #expect(program.status == 400 && program.text.contains("setup.exe is not a document that can be faxed"))
            #expect(damaged.status == 400 && damaged.text.contains("form.pdf: The document"))
            #expect(quality.status == 400 && quality.text.contains("Choose a quality"))
            #expect(noVault.status == 400 && noVault.text.contains("vault is not set up"))
            #expect(forged.status == 403)
            // The refused form keeps what was typed.
            #expect(program.text.contains(#"value="Program""#))
            #expect(try await Self.count("library_documents", h) == 0)
            #expect(try await Self.count("documents", h) == 0)
        }
    }

    @Test func anotherTenantsDocumentIsNotFound() async throws {
        try await PortalHarness.with { h in
            // setup
            let alice = h.browser(), bob = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            try await bob.signIn("bob@firm-b.example", PortalHarness.password)
            _ = try await Self.upload(alice, title: "Private chart", bytes: TestPDF.make(pages: 1))
            let id: Int64 = try await h.database.query("SELECT id FROM library_documents")[0].get("id")
            let token = try #require(TestBrowser.csrf(in: try await bob.get("/documents").text))
            // act
            let page = try await bob.get("/documents/\(id)")
            let file = try await bob.get("/documents/\(id)/file")
            let rename = try await bob.post("/documents/\(id)", [("csrf", token), ("title", "Mine now")])
            let delete = try await bob.post("/documents/\(id)/delete", [("csrf", token)])
            let send = try await bob.postMultipart("/send", fields: [("csrf", token), ("recipients", "+12065550100"), ("document", "\(id)")], files: [])
            let list = try await bob.get("/documents")
            let sendForm = try await bob.get("/send?document=\(id)")
            let aliceDeleteWithoutToken = try await alice.post("/documents/\(id)/delete", [])
            // check
            #expect(page.status == 404 && file.status == 404 && rename.status == 404 && delete.status == 404 && send.status == 404)
            #expect(!list.text.contains("Private chart") && !sendForm.text.contains("Private chart"))
            #expect(aliceDeleteWithoutToken.status == 403)
            let title: String = try await h.database.query("SELECT title FROM library_documents WHERE id = ?", id)[0].get("title")
            #expect(title == "Private chart")
            #expect(try await Self.count("faxes", h) == 0)
        }
    }

    @Test func aStoredDocumentIsSentAsItsOwnCopyAndOutlivesRetention() async throws {
        try await PortalHarness.with { h in
            // setup
            let alice = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            let pdf = TestPDF.make(pages: 2)
            _ = try await Self.upload(alice, title: "Price list", quality: "superfine", bytes: pdf)
            let library = try #require(try await h.database.query("SELECT id, document_id FROM library_documents").first)
            let id: Int64 = try library.get("id"), stored: Int64 = try library.get("document_id")
            // act
            let form = try await alice.get("/send?document=\(id)")
            let token = try #require(TestBrowser.csrf(in: form.text))
            let sent = try await alice.postMultipart(
                "/send", fields: [("csrf", token), ("recipients", "+12065550100"), ("document", "\(id)"), ("quality", "superfine")], files: [])
            // check: the form ticked it and took its quality; the fax has its own copy with a transit copy
            #expect(form.text.contains(#"value="\#(id)" id="document-\#(id)" checked"#))
            #expect(form.text.contains(#"<option value="superfine" selected>"#))
            #expect(form.text.contains("Price list (2 pages)"))
            #expect(sent.status == 303)
            let copy = try #require(try await h.database.query(
                "SELECT fd.document_id, d.transit_wrapped_key FROM fax_documents fd JOIN documents d ON d.id = fd.document_id WHERE fd.role = 'original'").first)
            let copyID: Int64 = try copy.get("document_id")
            let transitCopy = try copy.optional("transit_wrapped_key", as: [UInt8].self)
            #expect(copyID != stored && transitCopy != nil)
            let faxed = try await h.vault.documents.read(copyID, companyID: h.companyA.id, reader: .system(purpose: "test"))
            #expect(faxed == pdf)

            // act: two months later (past the 30 days of content, within the 90 of metadata) the purge expires the fax's copy, not the library's
            let report = try await h.vault.retentionPurge().run(now: Date().addingTimeInterval(60 * 86_400))
            // check
            #expect(report.documentsExpired >= 1)
            let states = try await h.database.query("SELECT id, state FROM documents").reduce(into: [Int64: String]()) {
                $0[try $1.get("id")] = try $1.get("state")
            }
            #expect(states[stored] == "stored" && states[copyID] == "expired")
            let download = try await alice.get("/documents/\(id)/file")
            #expect(download.status == 200 && download.body == pdf)
        }
    }

    @Test func aUserWithoutTheCompanyKeyCannotOpenOrSendAStoredDocument() async throws {
        try await PortalHarness.with { h in
            // setup: Carol is in company A but holds no key of its vault (private mode, no transit copy)
            _ = try await h.users.create(accountID: h.companyA.id, email: "carol@clinic-a.example", displayName: "Carol",
                                         password: PortalHarness.password, scope: h.platform.scope)
            let carol = h.browser()
            try await carol.signIn("carol@clinic-a.example", PortalHarness.password)
            let pdf = TestPDF.make(pages: 1)
            // act
            let uploaded = try await Self.upload(carol, title: "Sealed", bytes: pdf)
            let id: Int64 = try await h.database.query("SELECT id FROM library_documents")[0].get("id")
            let download = try await carol.get("/documents/\(id)/file")
            let token = try #require(TestBrowser.csrf(in: try await carol.get("/send").text))
            let send = try await carol.postMultipart("/send", fields: [("csrf", token), ("recipients", "+12065550100"), ("document", "\(id)")], files: [])
            // check: storing needs only the company's public key; opening needs a key holder
            #expect(uploaded.status == 303)
            #expect(download.status == 403 && download.text.contains("Documents locked"))
            #expect(send.status == 400 && send.text.contains("Your stored documents are locked"))
            #expect(try await Self.count("faxes", h) == 0)
            #expect(try await Self.count("documents", h) == 1)
        }
    }
}
