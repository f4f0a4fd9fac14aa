import Foundation
import PagewireCore
import Testing
@testable import Web

/// Security policy templates on the Security tab: one action fills every field at a level.
@Suite("Portal administration: security policy templates")
struct AdminSecurityTemplatesTests {
    @Test func aTemplateFillsThePolicyAtAnyLevel() async throws {
        try await PortalHarness.with { h in
            // setup
            let (admin, csrf) = try await AdminUsersTests.admin(h)
            let department = try await AccountRepository(database: h.database).create(kind: .department, name: "Billing", parentID: h.companyA.id, scope: h.platform.scope)
            let settings = SettingsRepository(database: h.database)
            let page = try await admin.get("/admin/accounts/\(department.id)/security")
            #expect(page.status == 200 && page.text.contains("HIPAA strict") && page.text.contains("Relaxed"))
            // act
            let applied = try await admin.post("/admin/accounts/\(department.id)/security/template", [("csrf", csrf), ("template", "hipaa_strict")])
            let unknown = try await admin.post("/admin/accounts/\(department.id)/security/template", [("csrf", csrf), ("template", "lax")])
            // check: the department's policy is the template's; the company keeps its own
            #expect(applied.status == 303)
            let strict = try #require(SecurityPolicyTemplate.named("hipaa_strict"))
            #expect(try await settings.effective(Settings.securityPolicy, forAccount: department.id, scope: h.platform.scope).value == strict.policy)
            #expect(try await settings.effective(Settings.securityPolicy, forAccount: h.companyA.id, scope: h.platform.scope).value == .standard)
            #expect(unknown.status == 400 && unknown.text.contains("Choose a security policy template"))
            let shown = try await admin.get("/admin/accounts/\(department.id)/security")
            #expect(shown.text.contains("value=\"12\"") && shown.text.contains("Set here"))
            // a relaxed company policy applies to an existing user of the company at once
            #expect(try await admin.post("/admin/accounts/\(h.companyA.id)/security/template", [("csrf", csrf), ("template", "relaxed")]).status == 303)
            #expect(try await settings.effective(Settings.securityPolicy, forUser: h.userA.id).value.minimumLength == 8)
            #expect(try await admin.post("/admin/accounts/\(h.companyB.id)/security/template", [("csrf", csrf), ("template", "relaxed")]).status == 404)
        }
    }
}
