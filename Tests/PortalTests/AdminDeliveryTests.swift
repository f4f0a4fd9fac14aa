import Foundation
import PagewireCore
import Testing
@testable import Web

/// The Delivery settings tab: e-mail, SFTP, HTTPS and the inbound API at a node, with origins;
/// credentials sealed in MariaDB and never shown on the page again.
@Suite("Portal administration: delivery settings")
struct AdminDeliveryTests {
    static let hostKey = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"

    @Test func anAdminSetsRoutesTheSecretsAreSealedAndTheDepartmentInheritsThem() async throws {
        try await PortalHarness.with { h in
            // setup
            let (admin, csrf) = try await AdminUsersTests.admin(h)
            let department = try await AccountRepository(database: h.database).create(kind: .department, name: "Billing", parentID: h.companyA.id, scope: h.platform.scope)
            let page = "/admin/accounts/\(h.companyA.id)/delivery"
            let before = try await admin.get(page)
            #expect(before.status == 200 && before.text.contains("<h2 id=\"h-sftp\">SFTP</h2>") && before.text.contains("no SFTP delivery"))
            // act: SFTP with a password, HTTPS with a secret, two addresses, the pull API
            let sftp = try await admin.post(page, [
                ("csrf", csrf), ("section", "sftp"), ("host", "sftp.clinic-a.test"), ("port", "22"), ("username", "faxes"),
                ("password", "sftp-Password-1"), ("private_key", ""), ("host_key", Self.hostKey), ("directory", "/in"), ("file_name", "fax-{fax_id}")])
            let https = try await admin.post(page, [
                ("csrf", csrf), ("section", "https"), ("url", "https://hooks.clinic-a.test/in"), ("secret", "https-Secret-0123456789")])
            let email = try await admin.post(page, [
                ("csrf", csrf), ("section", "email"), ("email_address", "front@clinic-a.test"), ("email_address", "records@clinic-a.test"), ("email_address", "")])
            let api = try await admin.post(page, [("csrf", csrf), ("section", "api"), ("api", "on")])
            // check: saved; the page says a password and a secret are stored, never what they are
            #expect(sftp.status == 303 && https.status == 303 && email.status == 303 && api.status == 303)
            let after = try await admin.get(page)
            #expect(after.text.contains("A password is stored (not shown).") && after.text.contains("A signing secret is stored (not shown)."))
            #expect(!after.text.contains("sftp-Password-1") && !after.text.contains("https-Secret-0123456789") && !after.text.contains("pwsealed"))
            #expect(after.text.contains("value=\"records@clinic-a.test\"") && after.text.contains("Set here"))
            let rows = try await h.database.query("SELECT value_json FROM account_settings WHERE account_id = ?", h.companyA.id)
            #expect(rows.count == 4)
            for row in rows {
                let json: String = try row.get("value_json")
                #expect(!json.contains("sftp-Password-1") && !json.contains("https-Secret-0123456789"))
            }
            let stored = try #require(try await SettingsRepository(database: h.database).effective(Settings.inboundSFTP, forAccount: h.companyA.id, scope: h.platform.scope).value)
            #expect(try stored.opened(as: "inbound.sftp", transit: h.vault.documents.transit).password == "sftp-Password-1")
            // saving again with the password left blank keeps it
            #expect(try await admin.post(page, [
                ("csrf", csrf), ("section", "sftp"), ("host", "sftp.clinic-a.test"), ("port", "22"), ("username", "faxes"),
                ("password", ""), ("private_key", ""), ("host_key", Self.hostKey), ("directory", "/new"), ("file_name", "fax-{fax_id}")]).status == 303)
            let kept = try #require(try await SettingsRepository(database: h.database).effective(Settings.inboundSFTP, forAccount: h.companyA.id, scope: h.platform.scope).value)
            let keptPassword = try kept.opened(as: "inbound.sftp", transit: h.vault.documents.transit).password
            #expect(kept.directory == "/new" && keptPassword == "sftp-Password-1")
            // the department inherits, turns SFTP off, then resets to inherited
            let below = "/admin/accounts/\(department.id)/delivery"
            #expect(try await admin.get(below).text.contains("Inherited from the company Clinic A"))
            #expect(try await admin.post(below, [("csrf", csrf), ("section", "sftp"), ("intent", "off")]).status == 303)
            #expect(try await admin.get(below).text.contains("no SFTP delivery"))
            #expect(try await admin.post(below, [("csrf", csrf), ("section", "sftp"), ("intent", "reset")]).status == 303)
            #expect(!(try await admin.get(below).text.contains("no SFTP delivery")))
            // the company archive: sent faxes by e-mail, as PDF
            #expect(try await admin.post(page, [
                ("csrf", csrf), ("section", "archive"), ("archive_outbound", "on"), ("archive_email", "archive@clinic-a.test"),
                ("archive_file_type", "pdf"), ("archive_metadata", "xml"), ("archive_host", "")]).status == 303)
            let archive = try #require(try await SettingsRepository(database: h.database).effective(Settings.archive, forAccount: department.id, scope: h.platform.scope).value)
            #expect(archive.outbound && !archive.inbound && archive.email == "archive@clinic-a.test" && archive.metadata == .xml && archive.sftp == nil)
            let refused = try await admin.post(page, [("csrf", csrf), ("section", "archive"), ("archive_inbound", "on"), ("archive_email", ""), ("archive_host", "")])
            #expect(refused.status == 400 && refused.text.contains("an archive needs an e-mail address or an SFTP site"))
        }
    }

    @Test func badInputIsExplainedAndAFormWithoutItsTokenIsRefused() async throws {
        try await PortalHarness.with { h in
            let (admin, csrf) = try await AdminUsersTests.admin(h)
            let page = "/admin/accounts/\(h.companyA.id)/delivery"
            let plain = try await admin.post(page, [("csrf", csrf), ("section", "https"), ("url", "http://hooks.test/in"), ("secret", "0123456789abcdef")])
            #expect(plain.status == 400 && plain.text.contains("must be https://"))
            let noSecret = try await admin.post(page, [("csrf", csrf), ("section", "https"), ("url", "https://hooks.test/in"), ("secret", "")])
            #expect(noSecret.status == 400 && noSecret.text.contains("signing secret"))
            let badPort = try await admin.post(page, [("csrf", csrf), ("section", "sftp"), ("host", "h.test"), ("port", "x"), ("username", "u"), ("password", "p"), ("host_key", Self.hostKey)])
            #expect(badPort.status == 400 && badPort.text.contains("port"))
            let badKey = try await admin.post(page, [("csrf", csrf), ("section", "sftp"), ("host", "h.test"), ("port", "22"), ("username", "u"), ("password", "p"), ("host_key", "deadbeef")])
            #expect(badKey.status == 400 && badKey.text.contains("SHA256:"))
            let tooMany = try await admin.post(page, [("csrf", csrf), ("section", "email")] + (1...4).map { ("email_address", "a\($0)@x.test") })
            #expect(tooMany.status == 400 && tooMany.text.contains("at most three"))
            #expect(try await admin.post(page, [("csrf", csrf), ("section", "fax")]).status == 400)
            #expect(try await admin.post(page, [("section", "api"), ("api", "on")]).status == 403)
            let count = try await h.database.query("SELECT COUNT(*) AS n FROM account_settings WHERE account_id = ?", h.companyA.id)
            #expect(try count[0].get("n", as: Int64.self) == 0)
            // another tenant's node reads as not found
            #expect(try await admin.get("/admin/accounts/\(h.companyB.id)/delivery").status == 404)
        }
    }
}
