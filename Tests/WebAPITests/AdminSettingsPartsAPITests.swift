import FaxEngine
import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing
@testable import Web

/// `/v1` for the emergency contacts, the inbound header/footer (with its preview), security
/// policy templates and cover page templates; every response is checked against the OpenAPI document.
@Suite("Administration API: contacts, header/footer, security templates, cover pages")
struct AdminSettingsPartsAPITests {
    @Test func emergencyContactsAreCheckedInheritedAndScoped() async throws {
        try await APIFixture.with { f, client in
            // act
            let put = try await client.call(.put, "/v1/accounts/\(f.companyA.id)/emergency-contacts", token: f.adminAToken, json: """
                {"contacts":[{"name":"Carol Chief","email":"carol@clinic-a.test","phone":"206-555-0101","role":"Primary"},
                             {"name":"Tom Tech","email":"tom@clinic-a.test","phone":"+44 20 7946 0001"}]}
                """)
            let four = try await client.call(.put, "/v1/accounts/\(f.companyA.id)/emergency-contacts", token: f.adminAToken, json: """
                {"contacts":[{"name":"A","email":"a@x.test","phone":"+12065550101"},{"name":"B","email":"b@x.test","phone":"+12065550102"},
                             {"name":"C","email":"c@x.test","phone":"+12065550103"},{"name":"D","email":"d@x.test","phone":"+12065550104"}]}
                """)
            let badEmail = try await client.call(.put, "/v1/accounts/\(f.companyA.id)/emergency-contacts", token: f.adminAToken,
                                                 json: #"{"contacts":[{"name":"E","email":"nobody","phone":"+12065550101"}]}"#)
            let badPhone = try await client.call(.put, "/v1/accounts/\(f.companyA.id)/emergency-contacts", token: f.adminAToken,
                                                 json: #"{"contacts":[{"name":"E","email":"e@x.test","phone":"call me"}]}"#)
            // check
            #expect(put.status == .ok)
            let contacts = (put.object["contacts"] as? [[String: Any]]) ?? []
            #expect(contacts.map { $0["phone"] as? String } == ["+12065550101", "+442079460001"])
            #expect(four.status == .unprocessableContent && four.object["detail"] as? String == "at most three emergency contacts (4 given)")
            #expect(badEmail.status == .unprocessableContent && (badEmail.object["detail"] as? String)?.contains("nobody is not an e-mail address") == true)
            #expect(badPhone.status == .unprocessableContent && (badPhone.object["detail"] as? String)?.contains("is not a phone number") == true)
            let department = try await client.call(.get, "/v1/accounts/\(f.departmentA.id)/emergency-contacts", token: f.adminAToken)
            #expect(((department.object["origin"] as? [String: Any])?["source"] as? String) == "inherited")
            #expect(((department.object["contacts"] as? [[String: Any]]) ?? []).count == 2)
            #expect(try await client.call(.get, "/v1/accounts/\(f.companyA.id)/emergency-contacts", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.get, "/v1/accounts/\(f.companyA.id)/emergency-contacts", token: f.aliceToken).status == .forbidden)
            let reset = try await client.call(.delete, "/v1/accounts/\(f.companyA.id)/emergency-contacts", token: f.adminAToken)
            #expect(reset.status == .ok && ((reset.object["contacts"] as? [Any]) ?? [1]).isEmpty)
        }
    }

    @Test func theStampIsCheckedAndPreviewedAsDeliveryStampsIt() async throws {
        try await APIFixture.with { f, client in
            // act
            let put = try await client.call(.put, "/v1/accounts/\(f.companyA.id)/stamp", token: f.adminAToken,
                                            json: #"{"text":"Fax {fax_id} from {caller}, page {page} of {pages}","position":"footer","pages":"every"}"#)
            let bad = try await client.call(.put, "/v1/accounts/\(f.companyA.id)/stamp", token: f.adminAToken, json: #"{"text":"From {sender}"}"#)
            let preview = try await client.call(.post, "/v1/accounts/\(f.departmentA.id)/stamp/preview", token: f.adminAToken,
                                                json: #"{"text":"Fax {fax_id} from {caller}, page {page} of {pages}","position":"header","pages":"first","page":1}"#)
            // check
            #expect(put.status == .ok && (put.object["stamp"] as? [String: Any])?["position"] as? String == "footer")
            #expect(bad.status == .unprocessableContent && (bad.object["detail"] as? String)?.contains("{sender} is not a token") == true)
            #expect(preview.status == .ok && preview.headers[.contentType] == "image/png")
            let expected = try InboundStampPreview.png(
                stamp: InboundStamp(text: "Fax {fax_id} from {caller}, page {page} of {pages}", position: .header, pages: .first),
                fax: InboundStamp.sampleFax(), options: InboundDeliveryOptions(settings: [:]), page: 1)
            #expect(Array(buffer: preview.body) == expected)
            let inherited = try await client.call(.get, "/v1/accounts/\(f.departmentA.id)/stamp", token: f.adminAToken)
            #expect((inherited.object["origin"] as? [String: Any])?["source"] as? String == "inherited")
            let off = try await client.call(.put, "/v1/accounts/\(f.departmentA.id)/stamp", token: f.adminAToken, json: #"{"enabled":false}"#)
            #expect(off.status == .ok && off.object["stamp"] is NSNull)
            #expect(try await SettingsRepository(database: f.database).effective(Settings.inboundStamp, forUser: f.alice.id).value == nil)
            #expect(try await client.call(.post, "/v1/accounts/\(f.companyA.id)/stamp/preview", token: f.bobToken, json: "{}").status == .notFound)
        }
    }

    @Test func securityTemplatesFillThePolicyInOneCall() async throws {
        try await APIFixture.with { f, client in
            // act
            let strict = try await client.call(.put, "/v1/accounts/\(f.departmentA.id)/security-policy", token: f.adminAToken, json: #"{"template":"hipaa_strict"}"#)
            let custom = try await client.call(.put, "/v1/accounts/\(f.companyA.id)/security-policy", token: f.adminAToken, json: """
                {"policy":{"minimum_length":14,"require_uppercase":true,"require_lowercase":true,"require_digit":true,"require_symbol":true,
                 "maximum_age_days":60,"history_count":10,"lockout_attempts":4,"lockout_minutes":0,"session_timeout_minutes":20}}
                """)
            let unknown = try await client.call(.put, "/v1/accounts/\(f.companyA.id)/security-policy", token: f.adminAToken, json: #"{"template":"lax"}"#)
            let outOfRange = try await client.call(.put, "/v1/accounts/\(f.companyA.id)/security-policy", token: f.adminAToken, json: """
                {"policy":{"minimum_length":2,"require_uppercase":true,"require_lowercase":true,"require_digit":true,"require_symbol":true,
                 "maximum_age_days":60,"history_count":10,"lockout_attempts":4,"lockout_minutes":0,"session_timeout_minutes":20}}
                """)
            // check
            #expect(strict.status == .ok && (strict.object["policy"] as? [String: Any])?["minimum_length"] as? Int == 12)
            #expect((strict.object["templates"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["hipaa_strict", "standard", "relaxed"])
            #expect(try await SettingsRepository(database: f.database).effective(Settings.securityPolicy, forUser: f.alice.id).value
                    == SecurityPolicyTemplate.named("hipaa_strict")?.policy)
            #expect(custom.status == .ok && (custom.object["policy"] as? [String: Any])?["minimum_length"] as? Int == 14)
            #expect(unknown.status == .unprocessableContent && outOfRange.status == .unprocessableContent)
            #expect(try await client.call(.get, "/v1/accounts/\(f.companyA.id)/security-policy", token: f.bobToken).status == .notFound)
            let reset = try await client.call(.delete, "/v1/accounts/\(f.departmentA.id)/security-policy", token: f.adminAToken)
            #expect((reset.object["policy"] as? [String: Any])?["minimum_length"] as? Int == 14)
        }
    }

    @Test func theLevelsCoverPageBehaviourAppliesToAPISubmissions() async throws {
        try await APIFixture.with { f, client in
            // setup
            let settings = SettingsRepository(database: f.database)
            func behave(_ behaviour: CoverPageBehaviour) async throws {
                try await settings.set(Settings.coverPageBehaviour, to: behaviour, atAccount: f.companyA.id, scope: f.platform.scope)
            }
            func roles(_ response: TestResponse) async throws -> [String] {
                let id = try #require(FaxesAPITests.ids(response).first)
                let fax = try await client.call(.get, "/v1/faxes/\(id)", token: f.aliceToken)
                return ((fax.object["documents"] as? [[String: Any]]) ?? []).compactMap { $0["role"] as? String }.sorted()
            }
            let coverOnly = #"{"recipients":["+12065550100"],"cover_page":{"subject":"Hello"}}"#
            // act + check: automatic adds a cover page nobody asked for
            try await behave(.automatic)
            #expect(try await roles(try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: FaxesAPITests.submission(["+12065550100"]))) == ["cover", "original"])
            // none: never a cover page; a cover-only fax has nothing to send
            try await behave(.none)
            #expect(try await roles(try await client.call(.post, "/v1/faxes", token: f.aliceToken,
                                                          json: FaxesAPITests.submission(["+12065550100"], extra: #","cover_page":{"subject":"s"}"#))) == ["original"])
            let nothing = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: coverOnly)
            #expect(nothing.status == .unprocessableContent && nothing.object["result_code"] as? String == "no_attachment")
            // on demand, attachment required: a cover-only fax is refused, a cover with a document is sent
            try await behave(.onDemandRequiresAttachment)
            let alone = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: coverOnly)
            #expect(alone.status == .unprocessableContent && alone.object["result_code"] as? String == "no_attachment")
            #expect(try await roles(try await client.call(.post, "/v1/faxes", token: f.aliceToken,
                                                          json: FaxesAPITests.submission(["+12065550100"], extra: #","cover_page":{"subject":"s"}"#))) == ["cover", "original"])
            // with body text: a cover page only when there is a message
            try await behave(.withBodyText)
            #expect(try await roles(try await client.call(.post, "/v1/faxes", token: f.aliceToken,
                                                          json: FaxesAPITests.submission(["+12065550100"], extra: #","cover_page":{"subject":"s"}"#))) == ["original"])
            #expect(try await roles(try await client.call(.post, "/v1/faxes", token: f.aliceToken,
                                                          json: FaxesAPITests.submission(["+12065550100"], extra: #","cover_page":{"message":"See attached"}"#))) == ["cover", "original"])
        }
    }

    static let coverSource = "# ZEBRA QUOKKA REFERRAL 4711\n---\n**Urgent: call back on receipt**\nThis cover page was uploaded by Clinic A.\n"

    @Test func anUploadedTemplateIsWhatTheFaxCoverShows() async throws {
        try await APIFixture.with { f, client in
            // setup: the real pagewire-jobs renders submitted faxes
            let temporary = NSTemporaryDirectory() + "pw-jobs-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            let jobs = try f.startJobs(directory: temporary)
            defer { jobs.kill(signal: SIGTERM) }
            let json = String(decoding: try JSONSerialization.data(withJSONObject: ["name": "Referral", "source": Self.coverSource]), as: UTF8.self)
            let uploaded = try await client.call(.post, "/v1/accounts/\(f.companyA.id)/coverpages", token: f.adminAToken, json: json)
            #expect(uploaded.status == .created)
            let key = try #require(uploaded.object["key"] as? String)
            // Alice (in Cardiology, below the company) may use it; Bob's company may not
            let offer = try await client.call(.get, "/v1/coverpages", token: f.aliceToken)
            #expect(((offer.object["templates"] as? [[String: Any]]) ?? []).contains { $0["key"] as? String == key })
            let refused = try await client.call(.post, "/v1/faxes", token: f.bobToken, json: #"{"recipients":["+12065550100"],"cover_page":{"template":"\#(key)"}}"#)
            #expect(refused.status == .unprocessableContent)
            // act: a cover-only fax with the uploaded template
            let sent = try await client.call(.post, "/v1/faxes", token: f.aliceToken,
                                             json: #"{"recipients":["+12065550100"],"cover_page":{"template":"\#(key)","subject":"Referral"}}"#)
            let id = try #require(FaxesAPITests.ids(sent).first)
            let rendered = try await RenderingTests.settled(id, client: client, token: f.aliceToken)
            // check: the fax's page is the uploaded template rendered, not the built-in one
            #expect(rendered["status"] as? String == "queued" && rendered["pages"] as? Int == 1)
            let tiff = try await client.call(.get, "/v1/faxes/\(id)/pages", token: f.aliceToken)
            let work = URL(fileURLWithPath: temporary).appendingPathComponent("check")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            let faxFile = work.appendingPathComponent("fax.tif")
            try Data(Array(buffer: tiff.body)).write(to: faxFile)
            let faxPage = try #require(try FaxTIFF.readPages(faxFile).first)
            let renderer = CoverPageRenderer(renderer: DocumentRenderer(options: RenderOptions(resolution: .fine)))
            func cover(_ source: String, _ name: String) throws -> FaxEngine.FaxPage {
                let out = work.appendingPathComponent(name + ".tif")
                _ = try renderer.render(CoverPageTemplate(name: name, source: source), fields: CoverPageFields(), to: out)
                return try #require(try FaxTIFF.readPages(out).first)
            }
            let expected = try cover(Self.coverSource, "uploaded")
            let plain = try cover(try String(contentsOfFile: f.configuration.resourcesDirectory + "/Templates/coverpages/plain.coverpage", encoding: .utf8), "plain")
            #expect(faxPage.bits == expected.bits)
            #expect(faxPage.bits != plain.bits)
        }
    }

    @Test func coverPageTemplatesAreManagedAndValidated() async throws {
        try await APIFixture.with { f, client in
            // act
            let created = try await client.call(.post, "/v1/accounts/\(f.companyA.id)/coverpages", token: f.adminAToken,
                                                json: ##"{"name":"Lab results","source":"# LAB RESULTS\nFor {{recipient_name}}\n","default":true}"##)
            let id = try #require(created.object["id"] as? Int)
            let hostile = try await client.call(.post, "/v1/accounts/\(f.companyA.id)/coverpages", token: f.adminAToken,
                                                json: "{\"name\":\"PS\",\"content_base64\":\"\(Data("%!PS-Adobe-3.0\nquit\n".utf8).base64EncodedString())\"}")
            let malformed = try await client.call(.post, "/v1/accounts/\(f.companyA.id)/coverpages", token: f.adminAToken,
                                                  json: ##"{"name":"Typo","source":"# Hi {{recipient}}\n"}"##)
            let big = try await client.call(.post, "/v1/accounts/\(f.companyA.id)/coverpages", token: f.adminAToken,
                                            json: "{\"name\":\"Big\",\"source\":\"\(String(repeating: "x", count: 70 * 1024))\"}")
            let duplicate = try await client.call(.post, "/v1/accounts/\(f.companyA.id)/coverpages", token: f.adminAToken,
                                                  json: ##"{"name":"Lab results","source":"# Other\n"}"##)
            // check
            #expect(created.status == .created && created.object["is_default"] as? Bool == true)
            #expect(hostile.status == .unprocessableContent && (hostile.object["detail"] as? String)?.contains("PostScript") == true)
            #expect(malformed.status == .unprocessableContent && (malformed.object["detail"] as? String)?.contains("{{recipient}} is not a token") == true)
            #expect(big.status == .unprocessableContent && (big.object["detail"] as? String)?.contains("at most 64 KiB") == true)
            #expect(duplicate.status == .conflict)
            let renamed = try await client.call(.patch, "/v1/accounts/\(f.companyA.id)/coverpages/\(id)", token: f.adminAToken, json: #"{"name":"Lab"}"#)
            #expect(renamed.status == .ok && renamed.object["name"] as? String == "Lab")
            let list = try await client.call(.get, "/v1/accounts/\(f.departmentA.id)/coverpages", token: f.adminAToken)
            #expect(list.object["default"] as? String == "custom-\(id)")
            #expect(((list.object["templates"] as? [[String: Any]]) ?? []).compactMap { $0["key"] as? String } == ["plain", "healthcare", "custom-\(id)"])
            // the department restricts to the assigned template: Alice sees only it and cannot pick another
            try await SettingsRepository(database: f.database).set(Settings.coverPageRestrictToAssigned, to: true, atAccount: f.departmentA.id, scope: f.platform.scope)
            let offer = try await client.call(.get, "/v1/coverpages", token: f.aliceToken)
            #expect(offer.object["restricted"] as? Bool == true && ((offer.object["templates"] as? [Any]) ?? []).count == 1)
            let other = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: #"{"recipients":["+12065550100"],"cover_page":{"template":"healthcare"}}"#)
            #expect(other.status == .unprocessableContent && (other.object["detail"] as? String)?.contains("only the assigned cover page") == true)
            // another tenant: not found; then delete
            #expect(try await client.call(.patch, "/v1/accounts/\(f.companyB.id)/coverpages/\(id)", token: f.bobToken, json: #"{"name":"Mine"}"#).status == .notFound)
            #expect(try await client.call(.delete, "/v1/accounts/\(f.companyA.id)/coverpages/\(id)", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.delete, "/v1/accounts/\(f.companyA.id)/coverpages/\(id)", token: f.adminAToken).status == .noContent)
            #expect(try await client.call(.delete, "/v1/accounts/\(f.companyA.id)/coverpages/\(id)", token: f.adminAToken).status == .notFound)
        }
    }
}
