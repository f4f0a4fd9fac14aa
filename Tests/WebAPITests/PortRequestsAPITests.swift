import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing
@testable import Web

@Suite("Port requests API")
struct PortRequestsAPITests {
    static let request = """
        {"contact_name":"Dana Porter","contact_email":"dana@clinic-a.test","numbers":["312 555 0101","(312) 555-0102"],
         "business_name":"Clinic A LLC","service_addresses":[{"street":"1 Main St","city":"Chicago","region":"IL","postal_code":"60601"}]}
        """
    static let pdf = Array("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".utf8)

    /// A token of the reseller's porting team (staff with the inventory right).
    static func staffToken(_ f: APIFixture) async throws -> String {
        let users = UserRepository(database: f.database, passwordParameters: .testing)
        let resellerID = try #require(f.companyA.parentID)
        let staff = try await users.create(accountID: resellerID, email: "porting@reseller.test", password: nil, scope: f.platform.scope)
        try await users.grant(userID: staff.id, accountID: resellerID, rights: [.faxPoolInventory], scope: f.platform.scope)
        return try await APITokenRepository(database: f.database).create(userID: staff.id, name: "porting", scope: f.platform.scope).secret
    }

    /// Every port request operation, as a customer and as the porting team, with refusals;
    /// also run by the OpenAPI coverage test.
    static func exerciseAll(_ f: APIFixture, _ client: some TestClientProtocol) async throws {
        let staff = try await staffToken(f)
        let customer = f.adminAToken
        // create: refusals first, nothing half-created
        #expect(try await client.call(.post, "/v1/port-requests", token: customer, json: "{").status == .badRequest)
        let invalid = try await client.call(.post, "/v1/port-requests", token: customer,
                                            json: #"{"contact_name":"","contact_email":"x","numbers":["12"],"business_name":"","service_addresses":[]}"#)
        #expect(invalid.status == .unprocessableContent && (invalid.object["errors"] as? [[String: Any]])?.count ?? 0 >= 4)
        #expect(try await client.call(.post, "/v1/port-requests", token: f.aliceToken, json: request).status == .forbidden)
        #expect(try await client.call(.post, "/v1/port-requests", token: staff, json: request).status == .forbidden)
        #expect(try await client.execute(uri: "/v1/port-requests", method: .post, headers: [.authorization: "Bearer \(customer)", .contentType: "text/plain"],
                                         body: ByteBuffer(string: request)).status == .unsupportedMediaType)
        let created = try await client.call(.post, "/v1/port-requests", token: customer, json: request)
        #expect(created.status == .created && created.object["state"] as? String == "new")
        let id = try #require(created.object["id"] as? Int)
        #expect(try await client.call(.post, "/v1/port-requests", token: f.bobToken, json: request).status == .conflict)  // numbers taken
        #expect(try await client.call(.get, "/v1/port-requests", token: customer).object["data"].map { ($0 as? [Any])?.count } == 1)
        #expect(try await client.call(.get, "/v1/port-requests?state=bogus", token: customer).status == .unprocessableContent)
        #expect(try await client.call(.get, "/v1/port-requests/\(id)", token: f.bobToken).status == .notFound)
        #expect(try await client.call(.get, "/v1/port-requests/\(id)/loa", token: f.bobToken).status == .notFound)
        let letter = try await client.call(.get, "/v1/port-requests/\(id)/loa", token: customer)
        #expect(letter.status == .ok && letter.headers[.contentType] == "application/pdf")

        // documents, signature, submission
        let missing = try await client.call(.post, "/v1/port-requests/\(id)/submit", token: customer)
        #expect(missing.status == .unprocessableContent && (missing.object["detail"] as? String)?.contains("customer service record") == true)
        #expect(try await client.multipart("/v1/port-requests/\(id)/documents", token: customer, fields: [("kind", "csr")],
                                           files: [("file", "csr.txt", "text/plain", Array("hello".utf8))]).status == .unprocessableContent)
        #expect(try await client.multipart("/v1/port-requests/\(id)/documents", token: f.bobToken, fields: [("kind", "csr")],
                                           files: [("file", "csr.pdf", "application/pdf", pdf)]).status == .notFound)
        let csr = try await client.multipart("/v1/port-requests/\(id)/documents", token: customer, fields: [("kind", "csr")],
                                             files: [("file", "csr.pdf", "application/pdf", pdf)])
        #expect(csr.status == .created)
        let csrID = try #require(csr.object["document_id"] as? Int)
        #expect(try await client.call(.get, "/v1/port-requests/\(id)/documents/\(csrID)", token: staff).status == .ok)
        #expect(try await client.call(.get, "/v1/port-requests/\(id)/documents/\(csrID)", token: f.bobToken).status == .notFound)
        let digest = try #require(try await client.call(.get, "/v1/port-requests/\(id)", token: customer).object["loa_terms_digest"] as? String)
        let stale = #"{"name":"Dana Porter","title":"Office manager","date":"2026-12-01","terms_digest":"\#(String(repeating: "0", count: 64))"}"#
        #expect(try await client.call(.post, "/v1/port-requests/\(id)/signature", token: customer, json: stale).status == .conflict)
        let signed = try await client.call(.post, "/v1/port-requests/\(id)/signature", token: customer,
                                           json: #"{"name":"Dana Porter","title":"Office manager","date":"2026-12-01","terms_digest":"\#(digest)"}"#)
        #expect(signed.status == .created && (signed.object["missing_for_submission"] as? [Any])?.isEmpty == true)
        let files = try await client.call(.get, "/v1/port-requests/\(id)/documents", token: customer)
        #expect((files.object["data"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["signed_loa", "csr"])
        #expect(try await client.call(.post, "/v1/port-requests/\(id)/status", token: staff, json: #"{"state":"in_progress"}"#).status == .conflict)
        #expect(try await client.call(.post, "/v1/port-requests/\(id)/submit", token: customer).object["state"] as? String == "pending")

        // the porting team's side
        #expect(try await client.call(.post, "/v1/port-requests/\(id)/status", token: customer, json: #"{"state":"in_progress"}"#).status == .forbidden)
        #expect(try await client.call(.post, "/v1/port-requests/\(id)/status", token: staff, json: #"{"state":"new"}"#).status == .unprocessableContent)
        #expect(try await client.call(.post, "/v1/port-requests/\(id)/status", token: staff, json: #"{"state":"in_progress"}"#).status == .ok)
        #expect(try await client.call(.put, "/v1/port-requests/\(id)", token: customer, json: request).status == .conflict)
        #expect(try await client.call(.post, "/v1/port-requests/\(id)/status", token: staff, json: #"{"state":"scheduled","foc_date":"tomorrow"}"#).status == .unprocessableContent)
        let scheduled = try await client.call(.post, "/v1/port-requests/\(id)/status", token: staff, json: #"{"state":"scheduled","foc_date":"2026-12-20"}"#)
        #expect(scheduled.object["foc_date"] as? String == "2026-12-20")
        #expect(try await client.call(.post, "/v1/port-requests/\(id)/notes", token: staff, json: #"{"body":"FOC confirmed."}"#).status == .created)
        #expect(try await client.call(.post, "/v1/port-requests/\(id)/notes", token: customer, json: #"{"body":""}"#).status == .unprocessableContent)
        #expect(try await client.call(.post, "/v1/port-requests/\(id)/notes", token: f.bobToken, json: #"{"body":"hi"}"#).status == .notFound)
        let notes = try await client.call(.get, "/v1/port-requests/\(id)/notes", token: customer)
        #expect((notes.object["data"] as? [[String: Any]])?.contains { $0["body"] as? String == "FOC confirmed." && $0["staff"] as? Bool == true } == true)
        let done = try await client.call(.post, "/v1/port-requests/\(id)/status", token: staff, json: #"{"state":"completed"}"#)
        #expect(done.object["state"] as? String == "completed")
        #expect(try await client.call(.post, "/v1/port-requests/\(id)/cancel", token: customer).status == .conflict)
        let inventory = try await NumberRepository(database: f.database).inventory(of: f.companyA.id, scope: f.companyA.scope)
            .filter { $0.e164.hasPrefix("+131255501") }  // (other tests' numbers may share the company)
        #expect(inventory.map(\.e164) == ["+13125550101", "+13125550102"] && inventory.allSatisfy { $0.ported && $0.state == .unassigned })

        // a second request: edited while new, then cancelled, its numbers leave the inventory
        let second = try await client.call(.post, "/v1/port-requests", token: customer, json: request.replacingOccurrences(of: "0101", with: "0201")
            .replacingOccurrences(of: "0102", with: "0202"))
        let secondID = try #require(second.object["id"] as? Int)
        let edited = try await client.call(.put, "/v1/port-requests/\(secondID)", token: customer,
                                           json: request.replacingOccurrences(of: "0101", with: "0203").replacingOccurrences(of: "\"(312) 555-0102\"", with: "\"3125550204\""))
        #expect((edited.object["numbers"] as? [String]) == ["+13125550203", "+13125550204"])
        #expect(try await client.call(.post, "/v1/port-requests/\(secondID)/cancel", token: customer).object["state"] as? String == "cancelled")
        #expect(try await NumberRepository(database: f.database).inventory(of: f.companyA.id, state: .pendingPort, scope: f.companyA.scope)
            .filter { $0.e164.hasPrefix("+131255502") }.isEmpty)
    }

    @Test func aPortRequestThroughTheAPI() async throws {
        try await APIFixture.with { f, client in
            try await Self.exerciseAll(f, client)
        }
    }
}
