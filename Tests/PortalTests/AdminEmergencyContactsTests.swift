import Foundation
import PagewireCore
import Testing
@testable import Web

/// The Emergency contacts tab in the portal: up to three contacts per level, inherited, checked.
@Suite("Portal administration: emergency contacts")
struct AdminEmergencyContactsTests {
    @Test func contactsAreInheritedCheckedAndLimitedToThree() async throws {
        try await PortalHarness.with { h in
            // setup
            let (admin, csrf) = try await AdminUsersTests.admin(h)
            let department = try await AccountRepository(database: h.database).create(kind: .department, name: "Radiology", parentID: h.companyA.id, scope: h.platform.scope)
            let base = "/admin/accounts/\(h.companyA.id)/contacts"
            // act: the company sets two contacts (the phone in national notation)
            let saved = try await admin.post(base, [
                ("csrf", csrf), ("name_1", "Carol Chief"), ("email_1", "carol@clinic-a.example"), ("phone_1", "(206) 555-0101"), ("role_1", "Primary"),
                ("name_2", "Tom Tech"), ("email_2", "tom@clinic-a.example"), ("phone_2", "+44 20 7946 0001"), ("role_2", "Technical"),
                ("name_3", ""), ("email_3", ""), ("phone_3", ""), ("role_3", "")])
            // check: stored in E.164, shown at the department as inherited from the company
            #expect(saved.status == 303)
            let stored = try await SettingsRepository(database: h.database).effective(Settings.emergencyContacts, forAccount: department.id, scope: h.platform.scope)
            #expect(stored.value == [EmergencyContact(name: "Carol Chief", email: "carol@clinic-a.example", phone: "+12065550101", role: "Primary"),
                                     EmergencyContact(name: "Tom Tech", email: "tom@clinic-a.example", phone: "+442079460001", role: "Technical")])
            let inherited = try await admin.get("/admin/accounts/\(department.id)/contacts")
            #expect(inherited.status == 200 && inherited.text.contains("Inherited from the company Clinic A") && inherited.text.contains("Tom Tech"))
            // a bad e-mail, a bad phone and a fourth contact are refused with the reason, nothing saved
            let badEmail = try await admin.post(base, [("csrf", csrf), ("name_1", "Eve"), ("email_1", "eve at clinic"), ("phone_1", "+12065550102")])
            #expect(badEmail.status == 400 && badEmail.text.contains("eve at clinic is not an e-mail address"))
            let badPhone = try await admin.post(base, [("csrf", csrf), ("name_1", "Eve"), ("email_1", "eve@clinic-a.example"), ("phone_1", "12345")])
            #expect(badPhone.status == 400 && badPhone.text.contains("12345 is not a phone number"))
            var four = [("csrf", csrf)]
            for n in 1...4 {
                four += [("name_\(n)", "Person \(n)"), ("email_\(n)", "p\(n)@clinic-a.example"), ("phone_\(n)", "+1206555010\(n)"), ("role_\(n)", "")]
            }
            let fourth = try await admin.post(base, four)
            #expect(fourth.status == 400 && fourth.text.contains("At most three emergency contacts"))
            #expect(try await SettingsRepository(database: h.database).effective(Settings.emergencyContacts, forAccount: h.companyA.id, scope: h.platform.scope).value.count == 2)
            // the department overrides with one contact, then resets to inherited
            #expect(try await admin.post("/admin/accounts/\(department.id)/contacts", [
                ("csrf", csrf), ("name_1", "Rita Rad"), ("email_1", "rita@clinic-a.example"), ("phone_1", "+12065550109")]).status == 303)
            let own = try await admin.get("/admin/accounts/\(department.id)/contacts")
            #expect(own.text.contains("Set here") && own.text.contains("Rita Rad") && !own.text.contains("Tom Tech"))
            #expect(try await admin.post("/admin/accounts/\(department.id)/contacts/reset", [("csrf", csrf)]).status == 303)
            #expect(try await admin.get("/admin/accounts/\(department.id)/contacts").text.contains("Tom Tech"))
            // another tenant's contacts are not found; every change left an audit row
            #expect(try await admin.get("/admin/accounts/\(h.companyB.id)/contacts").status == 404)
            let audited = try await h.database.query(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'admin.change' AND detail LIKE 'changeEmergencyContacts%'")[0].get("n", as: Int.self)
            #expect(audited == 3)
        }
    }
}
