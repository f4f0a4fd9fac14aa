import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing
@testable import Web

@Suite("Rendering submitted faxes (pagewire-jobs)")
struct RenderingTests {
    /// Waits until the fax leaves submitted/rendering, polling the API; returns its JSON.
    static func settled(_ id: Int64, client: any TestClientProtocol, token: String) async throws -> [String: Any] {
        for _ in 0..<600 {
            let fax = try await client.call(.get, "/v1/faxes/\(id)", token: token).object
            if let status = fax["status"] as? String, !["submitted", "rendering"].contains(status) { return fax }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("fax \(id) was never rendered")
        return [:]
    }

    @Test func jobsRendersIntoTheVaultAndQueuesOrFailsWithInvalidAttachment() async throws {
        try await APIFixture.with { f, client in
            // setup: the real pagewire-jobs, on the same database and transit key
            let temporary = NSTemporaryDirectory() + "pw-jobs-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            let jobs = try f.startJobs(directory: temporary)
            defer { jobs.kill(signal: SIGTERM) }
            // act: a text letter with a cover page; and a "PDF" that is not one
            let letter = Data("Dear Dr. Jones,\n\nplease find the results below.\n".utf8).base64EncodedString()
            let good = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: """
                {"recipients":["+12065550100"],"quality":"standard",
                 "files":[{"filename":"letter.txt","content_base64":"\(letter)"}],
                 "cover_page":{"template":"healthcare","subject":"Results","recipient_name":"Dr. Jones"}}
                """)
            let broken = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: """
                {"recipients":["+12065550101"],"files":[{"filename":"scan.pdf","content_base64":"\(Data("%PDF-1.4\nthis is not a PDF at all\n".utf8).base64EncodedString())"}]}
                """)
            let goodID = try #require(FaxesAPITests.ids(good).first)
            let brokenID = try #require(FaxesAPITests.ids(broken).first)
            // check: cover + one page, queued, with the rendered TIFF in the vault
            let rendered = try await Self.settled(goodID, client: client, token: f.aliceToken)
            #expect(rendered["status"] as? String == "queued")
            #expect(rendered["pages"] as? Int == 2)
            let documents = (rendered["documents"] as? [[String: Any]]) ?? []
            #expect(documents.contains { $0["role"] as? String == "rendered" && $0["content_type"] as? String == "image/tiff" })
            let events = ((rendered["events"] as? [[String: Any]]) ?? []).map { "\($0["type"] ?? ""):\($0["status"] ?? "")" }
            #expect(events == ["submitted:accepted", "rendered:ok"])
            let tiff = try await client.call(.get, "/v1/faxes/\(goodID)/pages", token: f.aliceToken)
            #expect(tiff.status == .ok && tiff.headers[.contentType] == "image/tiff")
            #expect(Array(Array(buffer: tiff.body).prefix(4)) == [0x49, 0x49, 0x2A, 0x00] || Array(Array(buffer: tiff.body).prefix(4)) == [0x4D, 0x4D, 0x00, 0x2A])
            #expect(try await f.database.query("SELECT COUNT(*) AS n FROM work WHERE kind = 'fax.send'")[0].get("n", as: Int.self) == 1)
            // the broken one failed with invalid_attachment and a reason, and was never queued
            let failed = try await Self.settled(brokenID, client: client, token: f.aliceToken)
            #expect(failed["status"] as? String == "failed")
            #expect(failed["result_code"] as? String == "invalid_attachment")
            let reason = ((failed["events"] as? [[String: Any]]) ?? []).first { $0["type"] as? String == "rendered" }?["detail"] as? String
            #expect(reason?.isEmpty == false)
        }
    }
}
