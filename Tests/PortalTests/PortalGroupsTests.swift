import Foundation
import PagewireCore
import Testing

/// Contact groups: create, rename, members, delete, and a group as recipients on the send page;
/// another tenant's groups and contacts are 404.
@Suite("Portal contact groups")
struct PortalGroupsTests {
    static func contact(_ h: PortalHarness, _ account: Account, _ first: String, _ fax: String) async throws -> Int64 {
        try await ContactRepository(database: h.database).create(accountID: account.id, firstName: first, lastName: "Test", fax: fax, scope: h.platform.scope)
    }

    @Test func createRenameAddAndRemoveMembersAndDelete() async throws {
        try await PortalHarness.with { h in
            // setup
            let ada = try await Self.contact(h, h.companyA, "Ada", "+12065550101")
            let bea = try await Self.contact(h, h.companyA, "Bea", "+12065550102")
            let alice = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            let token = try #require(TestBrowser.csrf(in: try await alice.get("/groups").text))
            // act
            let created = try await alice.post("/groups", [("csrf", token), ("name", "Referrers")])
            let id = try #require(created.header("Location").flatMap { Int64($0.split(separator: "/").last?.split(separator: "?").first ?? "") })
            let added = try await alice.post("/groups/\(id)/members", [("csrf", token), ("contact", "\(ada)"), ("contact", "\(bea)")])
            let withBoth = try await alice.get("/groups/\(id)")
            let removed = try await alice.post("/groups/\(id)/members/\(ada)/remove", [("csrf", token)])
            let withBea = try await alice.get(try #require(removed.header("Location")))
            let renamed = try await alice.post("/groups/\(id)", [("csrf", token), ("name", "Family doctors")])
            let list = try await alice.get("/groups")
            // check
            #expect(created.status == 303 && added.status == 303 && removed.status == 303 && renamed.status == 303)
            #expect(withBoth.text.contains("Ada Test") && withBoth.text.contains("Bea Test") && withBoth.text.contains("<h1>Referrers</h1>"))
            #expect(withBea.text.contains("Member removed") && withBea.text.contains(#"<a href="/contacts/\#(bea)">Bea Test</a>"#))
            #expect(!withBea.text.contains(#"<a href="/contacts/\#(ada)">"#))
            // Ada is offered again among the contacts to add.
            #expect(withBea.text.contains(#"name="contact" value="\#(ada)""#))
            #expect(list.text.contains(#"<a href="/groups/\#(id)">Family doctors</a></td><td>1</td>"#))
            #expect(list.text.contains(#"href="/groups" aria-current="page""#))

            // act: bad input
            _ = try await alice.post("/groups", [("csrf", token), ("name", "Labs")])
            let duplicate = try await alice.post("/groups", [("csrf", token), ("name", "family DOCTORS")])
            let renameToTaken = try await alice.post("/groups/\(id)", [("csrf", token), ("name", "Labs")])
            let blank = try await alice.post("/groups", [("csrf", token), ("name", "   ")])
            let nothingTicked = try await alice.post("/groups/\(id)/members", [("csrf", token)])
            let forged = try await alice.post("/groups/\(id)/delete", [])
            // check
            #expect(duplicate.status == 400 && duplicate.text.contains("There is already a group named family DOCTORS"))
            #expect(renameToTaken.status == 400 && renameToTaken.text.contains("There is already a group named Labs"))
            #expect(blank.status == 400 && blank.text.contains("A group name has 1 to 100 characters"))
            #expect(nothingTicked.status == 400 && nothingTicked.text.contains("Tick at least one contact"))
            #expect(forged.status == 403)

            // act: delete
            let deleted = try await alice.post("/groups/\(id)/delete", [("csrf", token)])
            let gone = try await alice.get("/groups/\(id)")
            // check: the group goes, its contacts stay
            #expect(deleted.status == 303 && gone.status == 404)
            let contacts: Int = try await h.database.query("SELECT COUNT(*) AS n FROM contacts")[0].get("n")
            #expect(contacts == 2)
        }
    }

    @Test func aGroupOnTheSendPageFaxesEachMemberOnce() async throws {
        try await PortalHarness.with { h in
            // setup
            let ada = try await Self.contact(h, h.companyA, "Ada", "+12065550101")
            let bea = try await Self.contact(h, h.companyA, "Bea", "+12065550102")
            let contacts = ContactRepository(database: h.database)
            let group = try await contacts.createGroup(accountID: h.companyA.id, name: "Both", contactIDs: [ada, bea], scope: h.platform.scope)
            let empty = try await contacts.createGroup(accountID: h.companyA.id, name: "Nobody", contactIDs: [], scope: h.platform.scope)
            let alice = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            let form = try await alice.get("/send?group=\(group)")
            let token = try #require(TestBrowser.csrf(in: form.text))
            let pdf = TestPDF.make(pages: 1)
            // act
            let refused = try await alice.postMultipart("/send", fields: [("csrf", token), ("group", "\(empty)")],
                                                        files: [("files", "a.pdf", "application/pdf", pdf)])
            let sent = try await alice.postMultipart(
                "/send", fields: [("csrf", token), ("recipients", "+1 206 555 0101"), ("group", "\(group)"), ("contact", "\(bea)")],
                files: [("files", "a.pdf", "application/pdf", pdf)])
            // check
            #expect(form.text.contains(#"value="\#(group)" id="group-\#(group)" checked"#) && form.text.contains("Both (2 contacts)"))
            #expect(refused.status == 400 && refused.text.contains("The group Nobody has no members yet"))
            #expect(sent.status == 303)
            let numbers = try await h.database.query("SELECT remote_number FROM faxes ORDER BY remote_number").map { try $0.get("remote_number", as: String.self) }
            #expect(numbers == ["+12065550101", "+12065550102"])
        }
    }

    @Test func anotherTenantsGroupsAndContactsAreNotFound() async throws {
        try await PortalHarness.with { h in
            // setup
            let ada = try await Self.contact(h, h.companyA, "Ada", "+12065550101")
            let bobsContact = try await Self.contact(h, h.companyB, "Carl", "+12065550109")
            let contacts = ContactRepository(database: h.database)
            let aliceGroup = try await contacts.createGroup(accountID: h.companyA.id, name: "Secret list", contactIDs: [ada], scope: h.platform.scope)
            let alice = h.browser(), bob = h.browser()
            try await alice.signIn("alice@clinic-a.example", PortalHarness.password)
            try await bob.signIn("bob@firm-b.example", PortalHarness.password)
            let bobToken = try #require(TestBrowser.csrf(in: try await bob.get("/groups").text))
            let aliceToken = try #require(TestBrowser.csrf(in: try await alice.get("/groups").text))
            // act
            let page = try await bob.get("/groups/\(aliceGroup)")
            let rename = try await bob.post("/groups/\(aliceGroup)", [("csrf", bobToken), ("name", "Taken over")])
            let add = try await bob.post("/groups/\(aliceGroup)/members", [("csrf", bobToken), ("contact", "\(bobsContact)")])
            let remove = try await bob.post("/groups/\(aliceGroup)/members/\(ada)/remove", [("csrf", bobToken)])
            let delete = try await bob.post("/groups/\(aliceGroup)/delete", [("csrf", bobToken)])
            let send = try await bob.postMultipart("/send", fields: [("csrf", bobToken), ("group", "\(aliceGroup)")], files: [])
            let bobsList = try await bob.get("/groups")
            let foreignMember = try await alice.post("/groups/\(aliceGroup)/members", [("csrf", aliceToken), ("contact", "\(bobsContact)")])
            // check
            #expect(page.status == 404 && rename.status == 404 && add.status == 404 && remove.status == 404 && delete.status == 404 && send.status == 404)
            #expect(foreignMember.status == 404)
            #expect(!bobsList.text.contains("Secret list") && bobsList.text.contains("No groups yet"))
            let group = try #require(try await contacts.group(aliceGroup, scope: h.platform.scope))
            #expect(group.name == "Secret list" && group.memberCount == 1)
        }
    }
}
