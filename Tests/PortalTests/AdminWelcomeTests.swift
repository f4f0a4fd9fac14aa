import Foundation
import PagewireCore
import Testing
@testable import Web

/// The Notifications tab's default welcome message preselects the user page's form; the admin
/// still chooses what is sent, and "no message" sends nothing.
@Suite("Portal administration: welcome message default")
struct AdminWelcomeTests {
    static func queued(_ h: PortalHarness) async throws -> [WelcomeMessage] {
        try await h.database.query("SELECT payload_json FROM work WHERE kind = ? ORDER BY id", WelcomeMessage.kind)
            .map { try JSONDecoder().decode(WelcomeMessage.self, from: Data(try $0.get("payload_json", as: String.self).utf8)) }
    }

    @Test func theDefaultIsPreselectedAndTheChosenKindIsSent() async throws {
        try await PortalHarness.with { h in
            // setup: the platform default is the welcome message with credentials
            let (admin, csrf) = try await AdminUsersTests.admin(h)
            let dana = try await h.users.create(accountID: h.companyA.id, email: "dana@clinic-a.example", password: "Dana-pw-123456", scope: h.platform.scope)
            #expect(try await admin.get("/admin/users/\(dana.id)").text.contains(#"value="welcome_with_credentials" checked"#))
            // act: the company's Notifications tab sets "welcome message" (no password link)
            let notifications = try await admin.get("/admin/accounts/\(h.companyA.id)/settings/notifications")
            #expect(notifications.text.contains("Default welcome message"))
            let saved = try await admin.post("/admin/accounts/\(h.companyA.id)/settings/notifications", [
                ("csrf", csrf), ("outbound_success", "on"), ("outbound_failure", "on"), ("inbound_received", "on"), ("welcome_default", "welcome")])
            #expect(saved.status == 303)
            // check: Dana's page preselects it; sending it queues a message without the link
            let page = try await admin.get("/admin/users/\(dana.id)")
            #expect(page.text.contains(#"value="welcome" checked"#) && !page.text.contains(#"value="welcome_with_credentials" checked"#))
            #expect(try await admin.post("/admin/users/\(dana.id)/welcome", [("csrf", csrf), ("kind", "welcome")]).status == 303)
            #expect(try await Self.queued(h).map(\.credentialsLink) == [false])
            // the admin may still choose the credentials message, or none at all
            #expect(try await admin.post("/admin/users/\(dana.id)/welcome", [("csrf", csrf), ("kind", "welcome_with_credentials")]).status == 303)
            #expect(try await admin.post("/admin/users/\(dana.id)/welcome", [("csrf", csrf), ("kind", "none")]).status == 303)
            #expect(try await Self.queued(h).map(\.credentialsLink) == [false, true])
            // no choice or an unknown one is explained; nothing is queued
            #expect(try await admin.post("/admin/users/\(dana.id)/welcome", [("csrf", csrf)]).status == 400)
            #expect(try await admin.post("/admin/users/\(dana.id)/welcome", [("csrf", csrf), ("kind", "everything")]).status == 400)
            #expect(try await Self.queued(h).count == 2)
        }
    }
}
