import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing
@testable import Web

/// Contacts and contact groups as recipients of `POST /v1/faxes`, inside the caller's scope only.
@Suite("Contacts and groups as fax recipients")
struct ContactRecipientsAPITests {
    static func submission(_ recipients: String) -> String {
        """
        {"recipients":\(recipients),"files":[{"filename":"a.pdf","content_base64":"\(SampleDocuments.base64PDF("contacts"))"}]}
        """
    }

    @Test func contactsAndGroupsBecomeOneFaxPerNumber() async throws {
        try await APIFixture.with { f, client in
            // setup: contacts in alice's department, a group of two of them (one shares a number)
            let contacts = ContactRepository(database: f.database)
            let jones = try await contacts.create(accountID: f.departmentA.id, firstName: "Ann", lastName: "Jones", fax: "+1 206 555 0120", scope: f.platform.scope)
            let lab = try await contacts.create(accountID: f.departmentA.id, firstName: "", lastName: "Lab", fax: "(206) 555-0121", scope: f.platform.scope)
            let labDesk = try await contacts.create(accountID: f.departmentA.id, firstName: "Lab", lastName: "Desk", fax: "+12065550121", scope: f.platform.scope)
            let group = try await contacts.createGroup(accountID: f.departmentA.id, name: "Referrals", contactIDs: [lab, labDesk, jones], scope: f.platform.scope)
            // act
            let response = try await client.call(.post, "/v1/faxes", token: f.aliceToken,
                                                  json: Self.submission(#"[{"contact_id":\#(jones)},"+1 206 555 0122",{"group_id":\#(group)}]"#))
            // check: Jones once, the typed number, the lab once (two contacts share its number)
            #expect(response.status == .accepted)
            let numbers = (response.object["faxes"] as? [[String: Any]])?.map { $0["remote_number"] as? String } ?? []
            #expect(numbers == ["+12065550120", "+12065550122", "+12065550121"])
            // multipart names contacts and groups with their own fields
            let form = try await client.multipart("/v1/faxes", token: f.aliceToken, fields: [("contact_ids", "\(jones),\(lab)")],
                                                  files: [("files", "a.pdf", "application/pdf", SampleDocuments.pdf())])
            #expect(form.status == .accepted)
            #expect((form.object["faxes"] as? [[String: Any]])?.map { $0["remote_number"] as? String } == ["+12065550120", "+12065550121"])
            let grouped = try await client.multipart("/v1/faxes", token: f.aliceToken, fields: [("group_ids", "\(group)")],
                                                     files: [("files", "a.pdf", "application/pdf", SampleDocuments.pdf())])
            #expect((grouped.object["faxes"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test func aContactOrGroupOutsideTheCallersScopeIsRefusedAndNothingIsCreated() async throws {
        try await APIFixture.with { f, client in
            // setup: bob's contact and group (the other tenant), and one at alice's company level
            // (above her department, so outside her scope)
            let contacts = ContactRepository(database: f.database)
            let bobs = try await contacts.create(accountID: f.companyB.id, firstName: "B", lastName: "Client", fax: "+1 206 555 0130", scope: f.platform.scope)
            let bobsGroup = try await contacts.createGroup(accountID: f.companyB.id, name: "B clients", contactIDs: [bobs], scope: f.platform.scope)
            let companyLevel = try await contacts.create(accountID: f.companyA.id, firstName: "C", lastName: "Level", fax: "+1 206 555 0131", scope: f.platform.scope)
            let emptyGroup = try await contacts.createGroup(accountID: f.departmentA.id, name: "Empty", contactIDs: [], scope: f.platform.scope)
            let before = (try await f.count("faxes"), try await f.count("documents"), try await f.count("work"))
            // act + check
            for (recipients, field) in [(#"[{"contact_id":\#(bobs)}]"#, "recipients[0].contact_id"),
                                        (#"["+12065550100",{"group_id":\#(bobsGroup)}]"#, "recipients[1].group_id"),
                                        (#"[{"contact_id":\#(companyLevel)}]"#, "recipients[0].contact_id"),
                                        (#"[{"contact_id":999999}]"#, "recipients[0].contact_id"),
                                        (#"[{"group_id":\#(emptyGroup)}]"#, "recipients[0].group_id")] {
                let refused = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: Self.submission(recipients))
                #expect(refused.status == .unprocessableContent, "\(recipients)")
                #expect((refused.object["errors"] as? [[String: Any]])?.first?["field"] as? String == field)
                #expect(!(refused.object["detail"] as? String ?? "").contains("Client"))
            }
            let multipart = try await client.multipart("/v1/faxes", token: f.aliceToken, fields: [("contact_ids", "\(bobs)")],
                                                       files: [("files", "a.pdf", "application/pdf", SampleDocuments.pdf())])
            #expect(multipart.status == .unprocessableContent)
            // a recipient object of neither kind is malformed
            #expect(try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: Self.submission(#"[{"fax":"+12065550100"}]"#)).status == .badRequest)
            // nothing was created by any refusal
            #expect((try await f.count("faxes"), try await f.count("documents"), try await f.count("work")) == before)
            // bob himself may use his own contact
            #expect(try await client.call(.post, "/v1/faxes", token: f.bobToken, json: Self.submission(#"[{"contact_id":\#(bobs)}]"#)).status == .accepted)
        }
    }
}
