import Foundation
import PagewireCore
import Testing
@testable import Web

/// Cover page templates in the portal: upload (validated), rename, replace, delete, default,
/// and what users may pick (their level and above; only the assigned one when restricted).
@Suite("Portal administration: cover page templates")
struct AdminCoverPagesTests {
    static let referral = "# REFERRAL FROM CLINIC A\n---\nTo: {{recipient_name}}\n**Please call {{sender_phone}} on receipt**\n"

    static func upload(_ browser: TestBrowser, _ account: Int64, csrf: String, name: String, bytes: [UInt8], filename: String = "t.coverpage",
                       replace: Int64? = nil) async throws -> HTTPTestClient.Response {
        var fields = [("csrf", csrf), ("name", name)]
        if let replace { fields.append(("replace", String(replace))) }
        return try await browser.postMultipart("/admin/accounts/\(account)/coverpages", fields: fields,
                                               files: [(field: "file", filename: filename, type: "text/plain", bytes: bytes)])
    }

    @Test func uploadsAreValidatedAndManaged() async throws {
        try await PortalHarness.with { h in
            // setup
            let (admin, csrf) = try await AdminUsersTests.admin(h)
            let company = h.companyA.id
            let repository = CoverPageRepository(database: h.database)
            // act: a good template, then files that are too big, malformed or hostile
            let good = try await Self.upload(admin, company, csrf: csrf, name: "Referral", bytes: Array(Self.referral.utf8))
            let big = try await Self.upload(admin, company, csrf: csrf, name: "Big", bytes: Array(String(repeating: "Lorem ipsum dolor sit amet\n", count: 3000).utf8))
            let unknownToken = try await Self.upload(admin, company, csrf: csrf, name: "Typo", bytes: Array("# Hi {{recipent_name}}\n".utf8))
            let unclosed = try await Self.upload(admin, company, csrf: csrf, name: "Open", bytes: Array("# Hi {{recipient_name\n".utf8))
            let postscript = try await Self.upload(admin, company, csrf: csrf, name: "PS", bytes: Array("%!PS-Adobe-3.0\n(/etc/passwd) (r) file\n".utf8))
            let pdf = try await Self.upload(admin, company, csrf: csrf, name: "PDF", bytes: Array("%PDF-1.7\n1 0 obj\n".utf8))
            let binary = try await Self.upload(admin, company, csrf: csrf, name: "Bin", bytes: [0x23, 0x20, 0x48, 0x00, 0x01, 0x0A])
            let html = try await Self.upload(admin, company, csrf: csrf, name: "Web", bytes: Array("# Hi\n<script>alert(1)</script>\n".utf8))
            let hidden = try await Self.upload(admin, company, csrf: csrf, name: "Bidi", bytes: Array("# Pay \u{202E}0001$\n".utf8))
            let duplicate = try await Self.upload(admin, company, csrf: csrf, name: "Referral", bytes: Array("# Other\n".utf8))
            // check
            #expect(good.status == 303)
            #expect(big.status == 400 && big.text.contains("at most 64 KiB"))
            #expect(unknownToken.status == 400 && unknownToken.text.contains("{{recipent_name}} is not a token"))
            #expect(unclosed.status == 400 && unclosed.text.contains("not closed"))
            #expect(postscript.status == 400 && postscript.text.contains("PostScript"))
            #expect(pdf.status == 400 && pdf.text.contains("a PDF"))
            #expect(binary.status == 400 && binary.text.contains("control or invisible character"))
            #expect(html.status == 400 && html.text.contains("markup"))
            #expect(hidden.status == 400 && hidden.text.contains("U+202E"))
            #expect(duplicate.status == 400 && duplicate.text.contains("already exists"))
            let stored = try await repository.list(ownedBy: company, scope: h.platform.scope)
            #expect(stored.map(\.name) == ["Referral"] && stored.first?.source == Self.referral)
            let template = try #require(stored.first)
            // rename, replace, download, make default
            #expect(try await admin.post("/admin/accounts/\(company)/coverpages/rename", [("csrf", csrf), ("id", String(template.id)), ("name", "Referral letter")]).status == 303)
            #expect(try await Self.upload(admin, company, csrf: csrf, name: "", bytes: Array("# REFERRAL v2\n".utf8), replace: template.id).status == 303)
            let download = try await admin.get("/admin/accounts/\(company)/coverpages/download?id=\(template.id)")
            #expect(download.status == 200 && download.text == "# REFERRAL v2\n")
            #expect(try await admin.post("/admin/accounts/\(company)/coverpages/default", [("csrf", csrf), ("template", template.key)]).status == 303)
            #expect(try await SettingsRepository(database: h.database).effective(Settings.coverPageTemplate, forUser: h.userA.id).value == template.key)
            let list = try await admin.get("/admin/accounts/\(company)/coverpages")
            #expect(list.status == 200 && list.text.contains("Referral letter <strong>(default)</strong>") && list.text.contains("Pagewire default (healthcare)"))
            let mine = try await admin.get("/admin/accounts/\(company)/coverpages?only=mine")
            #expect(mine.text.contains("Referral letter") && !mine.text.contains("Pagewire default (healthcare)"))
            // another tenant: its page and this template through its path are not found
            let (other, otherCSRF) = try await Self.adminB(h)
            #expect(try await other.get("/admin/accounts/\(company)/coverpages").status == 404)
            #expect(try await other.post("/admin/accounts/\(h.companyB.id)/coverpages/delete", [("csrf", otherCSRF), ("id", String(template.id))]).status == 404)
            #expect(try await other.post("/admin/accounts/\(h.companyB.id)/coverpages/default", [("csrf", otherCSRF), ("template", template.key)]).status == 400)
            // delete: the default falls back to the built-in one
            #expect(try await admin.post("/admin/accounts/\(company)/coverpages/delete", [("csrf", csrf), ("id", String(template.id))]).status == 303)
            #expect(try await CoverPageCatalog(database: h.database).offer(forUser: h.userA.id).assigned.key == "plain")
            let audited = try await h.database.query(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'admin.change' AND detail LIKE 'manageCoverPages%'")[0].get("n", as: Int.self)
            #expect(audited == 5)
        }
    }

    @Test func usersSeeTheirLevelsTemplatesOrOnlyTheAssignedOne() async throws {
        try await PortalHarness.with { h in
            // setup: a company template, a department template; Dana is in the department, Alice in the company
            let (admin, csrf) = try await AdminUsersTests.admin(h)
            let department = try await AccountRepository(database: h.database).create(kind: .department, name: "Oncology", parentID: h.companyA.id, scope: h.platform.scope)
            let dana = try await h.users.create(accountID: department.id, email: "dana@clinic-a.example", password: "Dana-pw-123456", scope: h.platform.scope)
            #expect(try await Self.upload(admin, h.companyA.id, csrf: csrf, name: "Company cover", bytes: Array("# CLINIC A\n".utf8)).status == 303)
            #expect(try await Self.upload(admin, department.id, csrf: csrf, name: "Oncology cover", bytes: Array("# ONCOLOGY\n".utf8)).status == 303)
            let repository = CoverPageRepository(database: h.database)
            let companyTemplate = try #require(try await repository.list(ownedBy: h.companyA.id, scope: h.platform.scope).first)
            let departmentTemplate = try #require(try await repository.list(ownedBy: department.id, scope: h.platform.scope).first)
            let catalog = CoverPageCatalog(database: h.database)
            // act + check: Dana sees both, Alice only the company's (and the built-in ones)
            #expect(try await catalog.offer(forUser: dana.id).choices.map(\.key) == ["plain", "healthcare", companyTemplate.key, departmentTemplate.key])
            #expect(try await catalog.offer(forUser: h.userA.id).choices.map(\.key) == ["plain", "healthcare", companyTemplate.key])
            await #expect(throws: CoverPageError.unavailable(departmentTemplate.key)) { try await catalog.choose(departmentTemplate.key, forUser: h.userA.id) }
            #expect(try await catalog.choose(departmentTemplate.key, forUser: dana.id) == departmentTemplate.key)
            // the department assigns its template and restricts: Dana may use only that one
            #expect(try await admin.post("/admin/accounts/\(department.id)/coverpages/default", [("csrf", csrf), ("template", departmentTemplate.key)]).status == 303)
            #expect(try await admin.post("/admin/accounts/\(department.id)/settings/coverpage", [
                ("csrf", csrf), ("coverpage_template", departmentTemplate.key), ("coverpage_behaviour", "on_demand"), ("coverpage_restrict", "on")]).status == 303)
            let offer = try await catalog.offer(forUser: dana.id)
            #expect(offer.restricted && offer.choices.map(\.key) == [departmentTemplate.key])
            #expect(try await catalog.choose(nil, forUser: dana.id) == departmentTemplate.key)
            await #expect(throws: CoverPageError.restricted(assigned: "Oncology cover")) { try await catalog.choose("plain", forUser: dana.id) }
            #expect(try await catalog.offer(forUser: h.userA.id).restricted == false)
            // the send form offers Dana only the assigned template and refuses another
            let danaBrowser = h.browser()
            try await danaBrowser.signIn("dana@clinic-a.example", "Dana-pw-123456")
            let form = try await danaBrowser.get("/send")
            #expect(form.text.contains("<option value=\"\(departmentTemplate.key)\" selected>Oncology cover</option>") && !form.text.contains("value=\"healthcare\""))
            let danaCSRF = try #require(TestBrowser.csrf(in: form.text))
            let refused = try await danaBrowser.postMultipart("/send", fields: [
                ("csrf", danaCSRF), ("recipients", "+12065550100"), ("cover", "on"), ("cover_template", "healthcare"), ("quality", "fine")], files: [])
            #expect(refused.status == 400 && refused.text.contains("only the assigned cover page (Oncology cover)"))
        }
    }

    @Test func theSendFormFollowsTheLevelsBehaviourAndAssignedTemplate() async throws {
        try await PortalHarness.with { h in
            // setup: company A adds a cover page to every fax, with its uploaded template
            let settings = SettingsRepository(database: h.database)
            let template = try await CoverPageRepository(database: h.database).create(
                accountID: h.companyA.id, name: "Clinic cover", bytes: Array("# CLINIC A\n{{subject}}\n".utf8), scope: h.platform.scope)
            try await settings.set(Settings.coverPageTemplate, to: template.key, atAccount: h.companyA.id, scope: h.platform.scope)
            try await settings.set(Settings.coverPageBehaviour, to: .automatic, atAccount: h.companyA.id, scope: h.platform.scope)
            let alice = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            let pdf = Array("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".utf8)
            // act: a fax without ticking "Add a cover page"
            let sent = try await alice.postMultipart(
                "/send", fields: [("csrf", TestBrowser.csrf(in: try await alice.get("/send").text) ?? ""), ("recipients", "+12065550100"),
                                  ("cover_subject", "Lab results")],
                files: [("files", "a.pdf", "application/pdf", pdf)])
            // check: the cover page was added with the assigned template and the subject
            #expect(sent.status == 303)
            let cover = try #require(try await h.database.query("SELECT document_id FROM fax_documents WHERE role = 'cover'").first?.get("document_id", as: Int64.self))
            let request = try CoverPageRequest.decoded(from: try await h.vault.documents.read(cover, companyID: h.companyA.id, reader: .system(purpose: "test")))
            #expect(request.template == template.key && request.subject == "Lab results")
            // with "no cover pages", a cover-only fax has nothing to send
            try await settings.set(Settings.coverPageBehaviour, to: CoverPageBehaviour.none, atAccount: h.companyA.id, scope: h.platform.scope)
            let refused = try await alice.postMultipart(
                "/send", fields: [("csrf", TestBrowser.csrf(in: try await alice.get("/send").text) ?? ""), ("recipients", "+12065550100"), ("cover", "on")],
                files: [])
            #expect(refused.status == 400 && refused.text.contains("does not add cover pages"))
        }
    }

    static func adminB(_ h: PortalHarness) async throws -> (TestBrowser, String) {
        try await h.users.grant(userID: h.userB.id, accountID: h.companyB.id, rights: AdminRight.all, scope: h.platform.scope)
        let browser = h.browser()
        try await browser.signIn("bob@firm-b.example", PortalHarness.password)
        let csrf = try #require(TestBrowser.csrf(in: try await browser.get("/admin/accounts/\(h.companyB.id)").text))
        return (browser, csrf)
    }
}
