import Foundation
import PagewireCore
import Testing

/// The outbox as served (compiled templates, one database hop for settings and faxes): times in
/// the user's zone, a settings change seen on the very next request, text escaped.
@Suite("Outbox rendering")
struct PortalOutboxRenderingTests {
    @Test func outboxShowsTimesInTheZoneSetNowAndEscapesWhatItShows() async throws {
        try await PortalHarness.with { h in
            // setup: one fax at 2026-03-04 12:00 UTC whose number holds markup
            let at = try #require(ISO8601DateFormatter().date(from: "2026-03-04T12:00:00Z"))
            let id = try await h.insertFax(user: h.userA, account: h.companyA, number: "+1<b>\"206'", state: "queued", at: at)
            let alice = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            let settings = SettingsRepository(database: h.database)
            // act
            let before = try await alice.get("/outbox")
            try await settings.set(Settings.timeZone, to: "America/New_York", atAccount: h.companyA.id, scope: h.platform.scope)
            let afterCompany = try await alice.get("/outbox")
            try await settings.set(Settings.dateFormat, to: "MM/dd/yyyy", forUser: h.userA.id, scope: h.platform.scope)
            try await settings.set(Settings.timeFormat, to: "h:mm a", forUser: h.userA.id, scope: h.platform.scope)
            let afterUser = try await alice.get("/outbox")
            // check
            #expect(before.status == 200 && before.text.contains("<td>2026-03-04 12:00</td>"))
            #expect(afterCompany.text.contains("<td>2026-03-04 07:00</td>"))
            #expect(afterUser.text.contains("<td>03/04/2026 7:00 AM</td>"))
            #expect(before.text.contains("<td>+1&lt;b&gt;&quot;206&#39;</td>") && !before.text.contains("<b>\""))
            #expect(before.text.contains("href=\"/faxes/\(id)\"") && before.text.contains("<td class=\"state\" data-live=\"state\">queued</td>"))
            #expect(before.text.contains("Alice A") && before.text.contains("name=\"csrf\" value=\""))
        }
    }
}
