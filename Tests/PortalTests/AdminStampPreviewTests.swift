import FaxEngine
import Foundation
import PagewireCore
import Testing
@testable import Web

/// The inbound header/footer on the Custom tab: save with tokens, live preview (PNG from the
/// delivery's stamping code, tokens in the level's time zone), a Preview button without script.
@Suite("Portal administration: inbound header/footer and its preview")
struct AdminStampPreviewTests {
    static func query(_ text: String, position: String = "footer", pages: String = "every", page: Int = 1) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return "text=\(text.addingPercentEncoding(withAllowedCharacters: allowed)!)&position=\(position)&pages=\(pages)&page=\(page)"
    }

    static func options(timeZone: String) -> InboundDeliveryOptions {
        InboundDeliveryOptions(settings: [Settings.timeZone.name: "\"\(timeZone)\""])
    }

    @Test func thePreviewIsTheDeliveryStampOnSamplePages() async throws {
        try await PortalHarness.with { h in
            // setup
            let (admin, _) = try await AdminUsersTests.admin(h)
            let base = "/admin/accounts/\(h.companyA.id)/stamp"
            let text = "Fax {fax_id} from {caller} page {page}/{pages}"
            // act: the live preview's image for a footer on every page, page 2
            let png = try await admin.get(base + "/preview.png?" + Self.query(text, page: 2))
            // check: exactly what delivery's stamping makes of the sample fax
            #expect(png.status == 200 && png.header("Content-Type") == "image/png")
            let expected = try InboundStampPreview.png(stamp: InboundStamp(text: text, position: .footer, pages: .every),
                                                       fax: InboundStamp.sampleFax(), options: Self.options(timeZone: "UTC"), page: 2)
            #expect(png.body == expected)
            // first page only: page 2 stays unstamped; a header differs from a footer
            let firstOnly = try await admin.get(base + "/preview.png?" + Self.query(text, pages: "first", page: 2))
            let unstamped = try await admin.get(base + "/preview.png?" + Self.query("", page: 2))
            #expect(firstOnly.body == unstamped.body && firstOnly.body != png.body)
            let header = try await admin.get(base + "/preview.png?" + Self.query(text, position: "header", page: 2))
            #expect(header.status == 200 && header.body != png.body)
            // a bad token is refused with a clear reason
            let bad = try await admin.get(base + "/preview.png?" + Self.query("Received {recieved}"))
            #expect(bad.status == 400 && bad.text.contains("{recieved} is not a token") && bad.text.contains("{received}"))
        }
    }

    @Test func receivedTimeIsShownInTheLevelsTimeZone() async throws {
        try await PortalHarness.with { h in
            // setup: the company is in Kathmandu (UTC+05:45)
            let (admin, _) = try await AdminUsersTests.admin(h)
            try await SettingsRepository(database: h.database).set(Settings.timeZone, to: "Asia/Kathmandu", atAccount: h.companyA.id, scope: h.platform.scope)
            let stamp = InboundStamp(text: "Received {received}", position: .header, pages: .first)
            // act
            let before = Date()
            let png = try await admin.get("/admin/accounts/\(h.companyA.id)/stamp/preview.png?" + Self.query(stamp.text, position: "header", pages: "first"))
            let after = Date()
            // check: the same image as the stamp with the sample fax received now in Kathmandu time
            func render(_ at: Date, _ zone: String) throws -> [UInt8] {
                try InboundStampPreview.png(stamp: stamp, fax: InboundStamp.sampleFax(now: at), options: Self.options(timeZone: zone), page: 1)
            }
            let local = [try render(before, "Asia/Kathmandu"), try render(after, "Asia/Kathmandu")]
            let utc = [try render(before, "UTC"), try render(after, "UTC")]
            #expect(png.status == 200)
            #expect(local.contains(png.body))
            #expect(!utc.contains(png.body))
        }
    }

    @Test func theCustomTabSavesTheStampAndPreviewsWithoutScript() async throws {
        try await PortalHarness.with { h in
            // setup
            let (admin, csrf) = try await AdminUsersTests.admin(h)
            let base = "/admin/accounts/\(h.companyA.id)/stamp"
            let custom = try await admin.get("/admin/accounts/\(h.companyA.id)/settings/custom")
            #expect(custom.text.contains("id=\"stamp-form\"") && custom.text.contains("<script src=\"/static/admin-stamp.js\""))
            let script = try await admin.get("/static/admin-stamp.js")
            #expect(script.status == 200 && script.header("Content-Type")?.hasPrefix("text/javascript") == true && script.text.contains("stamp-form"))
            // act: the Preview button (no script) shows unsaved values; saving stores them
            let previewed = try await admin.post(base + "/preview", [
                ("csrf", csrf), ("stamp_enabled", "on"), ("stamp_text", "Fax for {called} p{page}"), ("stamp_position", "header"), ("stamp_pages", "first")])
            let refused = try await admin.post(base, [
                ("csrf", csrf), ("stamp_enabled", "on"), ("stamp_text", "Fax {sender}"), ("stamp_position", "footer"), ("stamp_pages", "every")])
            let saved = try await admin.post(base, [
                ("csrf", csrf), ("stamp_enabled", "on"), ("stamp_text", "Received {received} from {caller}"), ("stamp_position", "footer"), ("stamp_pages", "every")])
            // check
            #expect(previewed.status == 200 && previewed.text.contains("not saved yet"))
            #expect(previewed.text.contains("stamp/preview.png?text=Fax%20for%20%7Bcalled%7D%20p%7Bpage%7D&amp;position=header&amp;pages=first&amp;page=1"))
            #expect(refused.status == 400 && refused.text.contains("{sender} is not a token"))
            #expect(saved.status == 303)
            let settings = SettingsRepository(database: h.database)
            #expect(try await settings.effective(Settings.inboundStamp, forUser: h.userA.id).value
                    == InboundStamp(text: "Received {received} from {caller}", position: .footer, pages: .every))
            // disabling is an override with no stamp; reset inherits again
            #expect(try await admin.post(base, [("csrf", csrf), ("stamp_text", "x"), ("stamp_position", "footer"), ("stamp_pages", "every")]).status == 303)
            #expect(try await settings.effective(Settings.inboundStamp, forUser: h.userA.id).value == nil)
            #expect(try await admin.post(base + "/reset", [("csrf", csrf)]).status == 303)
            #expect(try await settings.effective(Settings.inboundStamp, forUser: h.userA.id).origin == .platformDefault)
            // another tenant: not found; changes were audited, the preview was not
            #expect(try await admin.get("/admin/accounts/\(h.companyB.id)/stamp/preview.png?" + Self.query("x")).status == 404)
            let audited = try await h.database.query(
                "SELECT detail FROM audit_log WHERE action = 'admin.change' AND detail LIKE 'changeHeaderFooter%'").count
            #expect(audited == 3)
        }
    }

    @Test func aHeaderFooterAdminSeesOnlyTheStampAndASettingsAdminNotTheStamp() async throws {
        try await PortalHarness.with { h in
            // setup
            let users = h.users
            let stampAdmin = try await users.create(accountID: h.companyA.id, email: "stamp@clinic-a.example", password: "Stamp-pw-12345", scope: h.platform.scope)
            try await users.grant(userID: stampAdmin.id, accountID: h.companyA.id, rights: [.viewHeaderFooter, .manageHeaderFooter], scope: h.platform.scope)
            let settingsAdmin = try await users.create(accountID: h.companyA.id, email: "set@clinic-a.example", password: "Set-pw-123456", scope: h.platform.scope)
            try await users.grant(userID: settingsAdmin.id, accountID: h.companyA.id, rights: [.settings], scope: h.platform.scope)
            let a = h.browser(), b = h.browser()
            try await a.signIn("stamp@clinic-a.example", "Stamp-pw-12345")
            try await b.signIn("set@clinic-a.example", "Set-pw-123456")
            // act
            let entrance = try await a.get("/admin")
            let stampPage = try await a.get("/admin/accounts/\(h.companyA.id)/stamp")
            let customTab = try await b.get("/admin/accounts/\(h.companyA.id)/settings/custom")
            // check
            #expect(entrance.status == 303 && entrance.header("Location") == "/admin/accounts/\(h.companyA.id)/stamp")
            #expect(stampPage.status == 200 && stampPage.text.contains("id=\"stamp-form\"") && !stampPage.text.contains("id=\"settings-form\""))
            #expect(customTab.status == 200 && customTab.text.contains("id=\"settings-form\"") && !customTab.text.contains("id=\"stamp-form\""))
            #expect(try await b.get("/admin/accounts/\(h.companyA.id)/stamp").status == 403)
        }
    }
}
