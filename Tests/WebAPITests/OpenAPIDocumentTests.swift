import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing
@testable import Web

@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    /// Calls every documented operation (and its error answers) and checks all responses and
    /// the document itself with openapi-spec-validator and jsonschema; the fixture checks every
    /// other test's responses the same way.
    @Test func documentValidatesAndEveryOperationAnswersAsDocumented() async throws {
        try await APIFixture.with { f, client in
            // the served document is the file, without a token
            let served = try await client.call(.get, "/v1/openapi.json", token: nil)
            #expect(served.status == .ok)
            #expect(Array(buffer: served.body) == Array(try Data(contentsOf: URL(fileURLWithPath: OpenAPIConformance.specPath))))
            #expect(try await client.call(.get, "/v1/me", token: f.aliceToken).status == .ok)
            #expect(try await client.call(.get, "/v1/me", token: nil).status == .unauthorized)
            // submissions: JSON, multipart, replay, conflict, refusals, malformed, too large, wrong media type
            let key: HTTPFields = [.idempotencyKey: "spec-1"]
            let accepted = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: FaxesAPITests.submission(["+12065550100"],
                extra: #","cover_page":{"subject":"s"},"retry":{"attempts":3,"interval_seconds":60},"scheduled_at":"2026-12-01T00:00:00Z""#), headers: key)
            #expect(accepted.status == .accepted)
            let id = try #require(FaxesAPITests.ids(accepted).first)
            #expect(try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: FaxesAPITests.submission(["+12065550100"],
                extra: #","cover_page":{"subject":"s"},"retry":{"attempts":3,"interval_seconds":60},"scheduled_at":"2026-12-01T00:00:00Z""#), headers: key).status == .accepted)
            #expect(try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: FaxesAPITests.submission(["+12065550101"]), headers: key).status == .conflict)
            #expect(try await client.multipart("/v1/faxes", token: f.aliceToken, fields: [("recipients", "+12065550102")],
                                               files: [("files", "a.pdf", "application/pdf", SampleDocuments.pdf())]).status == .accepted)
            #expect(try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: FaxesAPITests.submission(["911"])).status == .unprocessableContent)
            #expect(try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: "[").status == .badRequest)
            let huge = "{\"recipients\":[\"+12065550100\"],\"files\":[{\"content_base64\":\"" + String(repeating: "A", count: 300 * 1024) + "\"}]}"
            #expect(try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: huge).status == .contentTooLarge)
            #expect(try await client.execute(uri: "/v1/faxes", method: .post, headers: [.authorization: "Bearer \(f.aliceToken)", .contentType: "text/csv"],
                                             body: ByteBuffer(string: "a,b")).status == .unsupportedMediaType)
            // reads
            #expect(try await client.call(.get, "/v1/faxes?limit=1", token: f.aliceToken).status == .ok)
            #expect(try await client.call(.get, "/v1/faxes?limit=0", token: f.aliceToken).status == .unprocessableContent)
            #expect(try await client.call(.get, "/v1/faxes/\(id)", token: f.aliceToken).status == .ok)
            #expect(try await client.call(.get, "/v1/faxes/\(id)", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.get, "/v1/faxes/\(id)/documents/0", token: f.aliceToken).status == .ok)
            #expect(try await client.call(.get, "/v1/faxes/\(id)/documents/7", token: f.aliceToken).status == .notFound)
            #expect(try await client.call(.get, "/v1/faxes/\(id)/pages", token: f.aliceToken).status == .notFound)  // not rendered here
            // a fax with attempts and a final state, then cancel and resend
            let scheduler = FaxScheduler(database: f.database)
            try await scheduler.renderingFinished(faxID: id, pages: 1)
            _ = try await scheduler.beginAttempt(faxID: id, worker: "spec")
            try await scheduler.reportAttempt(faxID: id, attempt: 1, report: AttemptReport(result: .ok, pagesSent: 1, sipStatus: 200, bitRate: 14400, ecm: true, remoteCSID: "REMOTE"))
            let delivered = try await client.call(.get, "/v1/faxes/\(id)", token: f.aliceToken)
            #expect(delivered.object["status"] as? String == "delivered")
            #expect((delivered.object["attempts"] as? [[String: Any]])?.first?["remote_csid"] as? String == "REMOTE")
            #expect(try await client.call(.get, "/v1/faxes/\(id)/report", token: f.aliceToken).status == .ok)
            #expect(try await client.call(.get, "/v1/faxes/\(id)/report?thumbnail=x", token: f.aliceToken).status == .badRequest)
            #expect(try await client.call(.get, "/v1/faxes/\(id)/report", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.get, "/v1/faxes/\(id)/pages?format=pdf&pages=2-1", token: f.aliceToken).status == .badRequest)
            #expect(try await client.call(.post, "/v1/faxes/\(id)/cancel", token: f.aliceToken).status == .conflict)
            #expect(try await client.call(.post, "/v1/faxes/\(id)/resend", token: f.aliceToken).status == .accepted)
            #expect(try await client.call(.post, "/v1/faxes/\(id)/resend", token: f.aliceToken, json: #"{"recipient":"1"}"#).status == .unprocessableContent)
            let other = try #require(FaxesAPITests.ids(try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: FaxesAPITests.submission(["+12065550103"]))).first)
            #expect(try await client.call(.post, "/v1/faxes/\(other)/cancel", token: f.aliceToken).status == .ok)
            #expect(try await client.call(.post, "/v1/faxes/\(other)/cancel", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.post, "/v1/faxes/cancel", token: f.aliceToken, json: "{\"ids\":[\(id),\(other)]}").status == .ok)
            #expect(try await client.call(.post, "/v1/faxes/cancel", token: f.aliceToken, json: "{\"ids\":[]}").status == .unprocessableContent)
            #expect(try await client.call(.get, "/v1/no-such-thing", token: f.aliceToken).status == .notFound)
            // webhooks
            let hook = try await client.call(.post, "/v1/webhooks", token: f.adminAToken, json: #"{"url":"http://93.184.216.34/hook","events":["fax.delivered"]}"#)
            #expect(hook.status == .created)
            let hookID = try #require(hook.object["id"] as? Int)
            #expect(try await client.call(.post, "/v1/webhooks", token: f.adminAToken, json: #"{"url":"http://127.0.0.1/hook","events":["fax.delivered"]}"#).status == .unprocessableContent)
            #expect(try await client.call(.post, "/v1/webhooks", token: f.aliceToken, json: #"{"url":"http://93.184.216.34/","events":["fax.queued"]}"#).status == .forbidden)
            #expect(try await client.call(.get, "/v1/webhooks", token: f.adminAToken).status == .ok)
            #expect(try await client.call(.get, "/v1/webhooks/\(hookID)/deliveries", token: f.adminAToken).status == .ok)
            #expect(try await client.call(.post, "/v1/webhook-deliveries/999999/redeliver", token: f.adminAToken).status == .notFound)
            #expect(try await client.call(.delete, "/v1/webhooks/\(hookID)", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.delete, "/v1/webhooks/\(hookID)", token: f.adminAToken).status == .noContent)
            // administration: accounts, settings, users, admins, numbers, pools, trunks
            try await AdminAPICoverage.exerciseAll(f, client)
            try await DeliverySettingsAPITests.exerciseAll(f, client)
            try await UsageReportAPITests.exerciseAll(f, client)
            // the audit log: JSON and CSV for an administrator with the reports right; nobody else
            #expect(try await client.call(.get, "/v1/audit-log?action=key.vault_create", token: f.adminAToken).status == .ok)
            #expect(try await client.call(.get, "/v1/audit-log?format=csv", token: f.adminAToken).status == .ok)
            #expect(try await client.call(.get, "/v1/audit-log", token: f.aliceToken).status == .forbidden)
            #expect(try await client.call(.get, "/v1/audit-log?account_id=\(f.companyB.id)", token: f.adminAToken).status == .notFound)
            #expect(try await client.call(.get, "/v1/audit-log?limit=0", token: f.adminAToken).status == .unprocessableContent)
            // port requests: the whole workflow
            try await PortRequestsAPITests.exerciseAll(f, client)

            // inbound (issue 9): list, one fax, document, acknowledge, resubmit
            let received = try await ReceivedFaxes.receive(f, userID: f.alice.id, pages: 1)
            #expect(try await client.call(.get, "/v1/inbound/\(received)/document", token: f.aliceToken).status == .conflict)  // not routed yet
            try await InboundAPITests.route(f)
            #expect(try await client.call(.get, "/v1/inbound?limit=5", token: f.aliceToken).status == .ok)
            #expect(try await client.call(.get, "/v1/inbound?cursor=x", token: f.aliceToken).status == .unprocessableContent)
            #expect(try await client.call(.get, "/v1/inbound/\(received)", token: f.aliceToken).status == .ok)
            #expect(try await client.call(.get, "/v1/inbound/\(received)", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.get, "/v1/inbound/\(received)/document", token: f.aliceToken).status == .ok)
            #expect(try await client.call(.get, "/v1/inbound/\(received)/document?format=tiff", token: f.aliceToken).status == .ok)
            #expect(try await client.call(.get, "/v1/inbound/\(received)/document?format=png", token: f.aliceToken).status == .unprocessableContent)
            #expect(try await client.call(.get, "/v1/inbound/\(received)/document", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.post, "/v1/inbound/\(received)/acknowledge", token: f.aliceToken).status == .ok)
            #expect(try await client.call(.post, "/v1/inbound/\(received)/acknowledge", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.post, "/v1/inbound/resubmit", token: f.aliceToken, json: "{\"ids\":[\(received),999999]}").status == .ok)
            #expect(try await client.call(.post, "/v1/inbound/resubmit", token: f.aliceToken, json: "{}").status == .unprocessableContent)
            #expect(try await client.call(.post, "/v1/inbound/resubmit", token: f.aliceToken, json: "[").status == .badRequest)

            // e-mail to fax administration: fax domains and sending addresses
            let faxDomains = "/v1/accounts/\(f.companyA.id)/fax-domains", senders = "/v1/users/\(f.alice.id)/sending-addresses"
            #expect(try await client.call(.post, faxDomains, token: f.adminAToken, json: #"{"domain":"fax.spec.test"}"#).status == .created)
            #expect(try await client.call(.get, faxDomains, token: f.adminAToken).status == .ok)
            #expect(try await client.call(.delete, faxDomains + "/fax.spec.test", token: f.adminAToken).status == .noContent)
            #expect(try await client.call(.get, faxDomains, token: f.bobToken).status == .notFound)
            #expect(try await client.call(.post, senders, token: f.adminAToken, json: #"{"address":"scan@clinic-a.test"}"#).status == .created)
            #expect(try await client.call(.get, senders, token: f.adminAToken).status == .ok)
            #expect(try await client.call(.delete, senders + "/scan@clinic-a.test", token: f.adminAToken).status == .noContent)
            #expect(try await client.call(.get, senders, token: f.bobToken).status == .notFound)

            // API apps (issue 11): registrations, secrets, and an app token's scope refusal
            try await AppsAPITests.exerciseAll(f, client)
            // single sign-on connections (issue 11)
            try await SSOConnectionAPITests.exerciseAll(f, client)
            // every documented operation was called; every response above matches the document
            try OpenAPIConformance.check((client as! RecordingClient).recorded, requireCoverage: true)
        }
    }
}
