import Foundation
import PagewireCore
import Testing

/// A documents-library entry is sealed for its company's key holders, never for the platform: an
/// API caller who names its vault id in `document_ids` gets a clear refusal, not a fax that could
/// never be rendered.
@Suite("Library documents in API submissions")
struct LibraryDocumentSubmissionTests {
    @Test func aLibraryCopyNamedInDocumentIdsIsRefusedAndNothingIsCreated() async throws {
        try await APIFixture.with { f, client in
            // setup: Alice stores a document in the library (as the portal's Documents page does)
            let entry = try await DocumentLibrary(documents: f.vault.documents).add(
                accountID: f.departmentA.id, companyID: f.companyA.id, userID: f.alice.id, title: "Referral form", fileName: "referral.txt",
                contentType: "text/plain", quality: .fine, pages: 1, bytes: Array("Referral".utf8), scope: f.platform.scope)
            let faxesBefore = try await f.count("faxes"), workBefore = try await f.count("work")
            // act
            let response = try await client.call(.post, "/v1/faxes", token: f.aliceToken,
                                                 json: #"{"recipients":["+12065550100"],"document_ids":[\#(entry.documentID)]}"#)
            // check
            #expect(response.status == .unprocessableContent)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect((response.object["errors"] as? [[String: Any]])?.first?["field"] as? String == "document_ids")
            #expect((response.object["detail"] as? String ?? "").contains("documents library"))
            let faxesAfter = try await f.count("faxes"), workAfter = try await f.count("work")
            #expect(faxesAfter == faxesBefore && workAfter == workBefore)
        }
    }
}
