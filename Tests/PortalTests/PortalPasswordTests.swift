import Foundation
import PagewireCore
import Testing

/// The security policy's password rules: complexity, history, age.
@Suite("Portal passwords")
struct PortalPasswordTests {
    @Test func aPasswordChangeMeetsComplexityAndHistoryAndKeepsTheVaultKey() async throws {
        try await PortalHarness.with { h in
            // setup: Alice on two devices
            let laptop = h.browser(), phone = h.browser()
            try await laptop.signIn("alice@clinic-a.example", PortalHarness.password)
            try await phone.signIn("alice@clinic-a.example", PortalHarness.password)
            func change(_ current: String, _ new: String) async throws -> HTTPTestClient.Response {
                let token = TestBrowser.csrf(in: try await laptop.get("/profile/password").text) ?? ""
                return try await laptop.post("/profile/password", [("csrf", token), ("current", current), ("new", new), ("confirm", new)])
            }
            let newPassword = "Another-Secret-9horse"
            // act
            let weak = try await change(PortalHarness.password, "short")
            let wrongCurrent = try await change("not-it", newPassword)
            let same = try await change(PortalHarness.password, PortalHarness.password)
            let good = try await change(PortalHarness.password, newPassword)
            let back = try await change(newPassword, PortalHarness.password)
            // check
            #expect(weak.status == 400 && weak.text.contains("at least 10 characters"))
            #expect(wrongCurrent.status == 400 && wrongCurrent.text.contains("current password is not right"))
            #expect(same.status == 400 && same.text.contains("last 5 passwords"))
            #expect(good.status == 303)
            #expect(back.status == 400 && back.text.contains("last 5 passwords"))
            #expect(try await laptop.get("/dashboard").status == 200)
            #expect(try await phone.get("/dashboard").status == 303)
            #expect(try await h.browser().signIn("alice@clinic-a.example", newPassword).status == 303)
            #expect(try await h.browser().signIn("alice@clinic-a.example", PortalHarness.password).status == 401)
            // the vault key was re-wrapped: the new password opens it
            _ = try await CompanyKeyring(database: h.database, kdfParameters: .testing).unlockUser(userID: h.userA.id, password: newPassword)
        }
    }

    @Test func anExpiredPasswordMustBeChangedBeforeAnythingElse() async throws {
        try await PortalHarness.with { h in
            // setup: passwords expire after 30 days at company B; Bob's is 40 days old
            var policy = SecurityPolicy.standard
            policy.maximumAgeDays = 30
            try await SettingsRepository(database: h.database).set(Settings.securityPolicy, to: policy, atAccount: h.companyB.id, scope: h.platform.scope)
            try await h.database.execute("UPDATE users SET password_changed_at = ? WHERE id = ?", Date().addingTimeInterval(-40 * 86_400), h.userB.id)
            let bob = h.browser()
            // act
            let signIn = try await bob.signIn("bob@firm-b.example", PortalHarness.password)
            let dashboard = try await bob.get("/dashboard")
            let form = try await bob.get("/profile/password")
            let changed = try await bob.post("/profile/password", [
                ("csrf", TestBrowser.csrf(in: form.text) ?? ""), ("current", PortalHarness.password),
                ("new", "Fresh-Password-2025x"), ("confirm", "Fresh-Password-2025x")])
            // check
            #expect(signIn.status == 303 && signIn.header("Location") == "/profile/password")
            #expect(dashboard.status == 303 && dashboard.header("Location") == "/profile/password")
            #expect(form.status == 200 && form.text.contains("Your password has expired"))
            #expect(changed.status == 303)
            #expect(try await bob.get("/dashboard").status == 200)
        }
    }
}
