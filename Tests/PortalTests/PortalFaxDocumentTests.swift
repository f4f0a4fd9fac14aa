import FaxEngine
import Foundation
import PagewireCore
import Testing

/// A fax's pages in the portal: thumbnails, PDF and TIFF with a page range, who may see them.
@Suite("Portal fax pages")
struct PortalFaxDocumentTests {
    /// Three distinguishable pages (page n has a black band n × 10 rows high).
    static func pages() -> [FaxPage] {
        (1...3).map { n in
            var page = FaxPage(height: 300, xDPI: 204, yDPI: 98)
            for y in 20..<(20 + n * 10) { for x in 100..<900 { page[x, y] = true } }
            return page
        }
    }

    @Test func companyUsersViewAndDownloadPagesOthersDoNotAndPurgedPagesAreGone() async throws {
        try await PortalHarness.with { h in
            // setup: Alice's delivered fax, its rendered TIFF in the vault without a platform copy
            // (private mode after a final state: only key holders can open it)
            let directory = NSTemporaryDirectory() + "pw-pages-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let vault = Vault(database: h.database, transit: try TransitKeyring.loadOrCreate(path: directory + "/transit.key"), kdfParameters: .testing)
            let tiff = URL(fileURLWithPath: directory + "/fax.tif")
            try FaxTIFF.write(Self.pages(), to: tiff)
            let stored = try await vault.documents.put(
                companyID: h.companyA.id, accountID: h.companyA.id, kind: .faxTIFF, contentType: "image/tiff",
                bytes: Array(try Data(contentsOf: tiff)), transitCopy: false)
            let faxID = try await h.insertFax(user: h.userA, account: h.companyA, pages: 3)
            try await h.database.execute("INSERT INTO fax_documents (fax_id, n, document_id, role) VALUES (?, 0, ?, 'rendered')", faxID, stored.id)
            let alice = h.browser()
            #expect(try await alice.signIn("alice@clinic-a.example", PortalHarness.password).status == 303)
            #expect(alice.cookies["pw_vault"] != nil)

            // act + check: the detail page shows three thumbnails and the view/download form
            let detail = try await alice.get("/faxes/\(faxID)")
            #expect(detail.status == 200)
            for n in 1...3 { #expect(detail.text.contains(#"<img src="/faxes/\#(faxID)/pages/\#(n)""#)) }
            #expect(detail.text.contains(#"action="/faxes/\#(faxID)/document""#))
            let thumbnail = try await alice.get("/faxes/\(faxID)/pages/2")
            #expect(thumbnail.status == 200 && thumbnail.header("Content-Type") == "image/png")
            #expect(Array(thumbnail.body.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            #expect(try await alice.get("/faxes/\(faxID)/pages/4").status == 404)

            // act + check: pages 2-3 as a PDF shown in the browser
            let pdf = try await alice.get("/faxes/\(faxID)/document?pages=2-3")
            #expect(pdf.status == 200 && pdf.header("Content-Type") == "application/pdf")
            #expect(pdf.header("Content-Disposition") == "inline; filename=\"fax-\(faxID)-pages-2-3.pdf\"")
            #expect(pdf.text.hasPrefix("%PDF"))
            let pageObjects = try Regex(#"/Type\s*/Page(?!s)"#)
            #expect(String(decoding: pdf.body.map { $0 < 128 ? $0 : 32 }, as: UTF8.self).matches(of: pageObjects).count == 2)
            // act + check: pages 1 and 3 as a TIFF download, the very pages stored
            let download = try await alice.get("/faxes/\(faxID)/document?pages=1,3&format=tiff&download=1")
            #expect(download.status == 200 && download.header("Content-Disposition") == "attachment; filename=\"fax-\(faxID)-pages-1_3.tif\"")
            let got = URL(fileURLWithPath: directory + "/got.tif")
            try Data(download.body).write(to: got)
            let pages = try FaxTIFF.readPages(got)
            #expect(pages.map(\.blackPixels) == [Self.pages()[0].blackPixels, Self.pages()[2].blackPixels])
            // a range outside the fax is explained
            #expect(try await alice.get("/faxes/\(faxID)/document?pages=2-4").status == 400)
            #expect(try await alice.get("/faxes/\(faxID)/document?pages=x").status == 400)
            // views and the download are in the audit log as Alice's
            let audited = try await h.database.query(
                "SELECT action FROM audit_log WHERE actor_user_id = ? AND action LIKE 'document.%' ORDER BY id", h.userA.id).map { try $0.get("action", as: String.self) }
            #expect(audited.contains("document.view") && audited.contains("document.download"))

            // check: without her vault session the pages stay locked (no platform copy to fall back on)
            alice.cookies["pw_vault"] = nil
            let locked = try await alice.get("/faxes/\(faxID)/pages/1")
            #expect(locked.status == 403 && locked.text.contains("Documents locked"))
            // check: another company's user gets "not found", as for a fax that does not exist
            let bob = h.browser()
            #expect(try await bob.signIn("bob@firm-b.example", PortalHarness.password).status == 303)
            #expect(try await bob.get("/faxes/\(faxID)/pages/1").status == 404)
            #expect(try await bob.get("/faxes/\(faxID)/document").status == 404)
            #expect(try await bob.get("/faxes/999999/document").status == 404)
            // check: reseller staff see the fax's details, never its pages
            let staff = try await h.users.create(accountID: h.reseller.id, email: "ops@resell.example", password: PortalHarness.password, scope: h.platform.scope)
            try await h.users.grant(userID: staff.id, accountID: h.reseller.id, rights: AdminRight.all, scope: h.platform.scope)
            let ops = h.browser()
            #expect(try await ops.signIn("ops@resell.example", PortalHarness.password).status == 303)
            try await PortalSecondFactorTests.pass(ops)
            let opsDetail = try await ops.get("/faxes/\(faxID)")
            #expect(opsDetail.status == 200 && !opsDetail.text.contains("/pages/1"))
            #expect(try await ops.get("/faxes/\(faxID)/document").status == 403)

            // act: the retention purge deletes the pages
            try await h.database.execute("UPDATE documents SET state = 'expired', expired_at = ? WHERE id = ?", Date(), stored.id)
            try await h.database.execute("DELETE FROM document_chunks WHERE document_id = ?", stored.id)
            // check: 410 with the reason; the details remain
            let alice2 = h.browser()
            #expect(try await alice2.signIn("alice@clinic-a.example", PortalHarness.password).status == 303)
            let gone = try await alice2.get("/faxes/\(faxID)/document")
            #expect(gone.status == 410 && gone.text.contains("retention policy"))
            let after = try await alice2.get("/faxes/\(faxID)")
            #expect(after.status == 200 && after.text.contains("deleted under your company") && !after.text.contains("<img src="))
        }
    }
}
