import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
@testable import Web
import Testing

@Suite("REST API /v1/faxes")
struct FaxesAPITests {
    static func submission(_ recipients: [String], marker: String = "hello", extra: String = "") -> String {
        let list = recipients.map { "\"\($0)\"" }.joined(separator: ",")
        return """
            {"recipients":[\(list)],"quality":"fine","caller_id":"+12065550199",
             "files":[{"filename":"letter.pdf","content_type":"application/pdf","content_base64":"\(SampleDocuments.base64PDF(marker))"}]\(extra)}
            """
    }

    static func ids(_ response: TestResponse) -> [Int64] {
        ((response.object["faxes"] as? [[String: Any]]) ?? []).compactMap { ($0["id"] as? Int).map(Int64.init) }
    }

    @Test func jsonSubmissionStoresOriginalsAndAnswersAtOnce() async throws {
        try await APIFixture.with { f, client in
            // act
            let response = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: Self.submission(
                ["+1 206 555 0100", "(206) 555-0101"], marker: "json",
                extra: #","cover_page":{"subject":"Referral","message":"Two pages follow","recipient_name":"Dr. Jones"},"retry":{"attempts":2,"interval_seconds":120}"#))
            // check
            #expect(response.status == .accepted)
            let ids = Self.ids(response)
            #expect(ids.count == 2)
            let items = try #require(response.object["faxes"] as? [[String: Any]])
            #expect(items.map { $0["remote_number"] as? String } == ["+12065550100", "+12065550101"])
            #expect(items.allSatisfy { $0["status"] as? String == "submitted" })
            let detail = try await client.call(.get, "/v1/faxes/\(ids[0])", token: f.aliceToken)
            #expect(detail.status == .ok)
            let fax = detail.object
            #expect(fax["status"] as? String == "submitted")
            #expect(fax["caller_id"] as? String == "+12065550199")
            #expect(fax["max_attempts"] as? Int == 2 && fax["retry_interval_seconds"] as? Int == 120)
            #expect((fax["events"] as? [[String: Any]])?.first?["type"] as? String == "submitted")
            let all = try #require(fax["documents"] as? [[String: Any]])
            // the cover page's words are a document of their own, encrypted like the file
            #expect(all.filter { $0["role"] as? String == "cover" }.map { $0["content_type"] as? String } == [CoverPageRequest.contentType])
            let documents = all.filter { $0["role"] as? String == "original" }
            #expect(documents.count == 1 && documents[0]["content_type"] as? String == "application/pdf")
            // the original is in the vault, encrypted, and comes back byte for byte
            let download = try await client.call(.get, "/v1/faxes/\(ids[0])/documents/0", token: f.aliceToken)
            #expect(download.status == .ok)
            #expect(Array(buffer: download.body) == SampleDocuments.pdf("json"))
            // one stored original (and one cover document) serves both faxes of the request
            let shared = try await f.database.query("SELECT DISTINCT document_id FROM fax_documents WHERE fax_id IN (?, ?)", ids[0], ids[1])
            #expect(shared.count == 2)
            let chunks = try await f.database.query("SELECT bytes FROM document_chunks")
            #expect(chunks.count == 2)
            for chunk in chunks { #expect(!String(decoding: try chunk.get("bytes", as: [UInt8].self), as: UTF8.self).contains("Dr. Jones")) }
            for chunk in chunks { #expect(try chunk.get("bytes", as: [UInt8].self) != SampleDocuments.pdf("json")) }
            // rendering is queued, one work item per fax
            #expect(try await f.database.query("SELECT COUNT(*) AS n FROM work WHERE kind = 'fax.render'")[0].get("n", as: Int.self) == 2)
        }
    }

    @Test func multipartSubmissionWithFilesAndCoverFields() async throws {
        let scheduled = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 + 7 * 86_400))
        try await APIFixture.with { f, client in
            let response = try await client.multipart(
                "/v1/faxes", token: f.aliceToken,
                fields: [("recipients", "+12065550100"), ("quality", "superfine"), ("cover_subject", "Lab results"),
                         ("cover_recipient_name", "Ward 4"), ("scheduled_at", scheduled)],
                files: [("files", "scan.pdf", "application/pdf", SampleDocuments.pdf("one")),
                        ("files", "notes.txt", "text/plain", Array("Patient is stable.\n".utf8))])
            #expect(response.status == .accepted, "\(response.text)")
            let id = try #require(Self.ids(response).first)
            #expect(response.headers[.location] == "/v1/faxes/\(id)")
            let fax = try await client.call(.get, "/v1/faxes/\(id)", token: f.aliceToken).object
            #expect(fax["quality"] as? String == "superfine")
            #expect(fax["scheduled_at"] as? String == scheduled)
            #expect((fax["documents"] as? [[String: Any]])?.contains { $0["role"] as? String == "cover" } == true)
            let types = (fax["documents"] as? [[String: Any]])?.filter { $0["role"] as? String == "original" }.compactMap { $0["content_type"] as? String }
            #expect(types == ["application/pdf", "text/plain; charset=utf-8"])
            let second = try await client.call(.get, "/v1/faxes/\(id)/documents/1", token: f.aliceToken)
            #expect(second.text == "Patient is stable.\n")
        }
    }

    @Test func idempotencyKeyReplaysOrConflicts() async throws {
        try await APIFixture.with { f, client in
            let key: HTTPFields = [.idempotencyKey: "order-4711"]
            let first = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: Self.submission(["+12065550100"]), headers: key)
            #expect(first.status == .accepted)
            let documents = try await f.count("documents")
            // the same request again: the same fax, nothing stored twice
            let again = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: Self.submission(["+12065550100"]), headers: key)
            #expect(again.status == .accepted)
            #expect(Self.ids(again) == Self.ids(first))
            #expect(again.headers[.idempotentReplayed] == "true")
            #expect(try await f.count("documents") == documents)
            // a different body under the same key: 409
            let different = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: Self.submission(["+12065550100"], marker: "other"), headers: key)
            #expect(different.status == .conflict)
            #expect(different.headers[.contentType] == "application/problem+json")
            #expect(different.object["type"] as? String == "urn:pagewire:problem:idempotency-conflict")
            // the same key of another user is theirs alone
            let bobs = try await client.call(.post, "/v1/faxes", token: f.bobToken, json: Self.submission(["+12065550100"]), headers: key)
            #expect(bobs.status == .accepted && Self.ids(bobs) != Self.ids(first))
            #expect(try await f.count("faxes") == 2)
        }
    }

    @Test func refusalsAreProblemsWithResultCodesAndCreateNothing() async throws {
        try await APIFixture.with { f, client in
            let settings = SettingsRepository(database: f.database)
            try await settings.set(Settings.outboundBlocklist, to: ["+12065550666"], atAccount: f.companyA.id, scope: f.companyA.scope)
            try await settings.set(Settings.dailyFaxLimit, to: 2, atAccount: f.companyA.id, scope: f.companyA.scope)
            let cases: [(String, String)] = [
                (Self.submission(["+12065550666"]), "blocked_number"),
                (Self.submission(["12"]), "invalid_number"),
                (Self.submission(["+12065550100", "+12065550101", "+12065550102"]), "limit_exceeded"),
                (#"{"recipients":["+12065550100"]}"#, "no_attachment"),
                (#"{"recipients":["+12065550100"],"files":[{"filename":"x.svg","content_base64":"\#(Data("<svg onload='x'/>".utf8).base64EncodedString())"}]}"#, "invalid_attachment"),
                (#"{"recipients":["+12065550100"],"files":[{"filename":"run.ps","content_base64":"\#(Data("%!PS\nshowpage".utf8).base64EncodedString())"}]}"#, "invalid_attachment"),
            ]
            for (body, code) in cases {
                let response = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: body)
                #expect(response.status == .unprocessableContent, "\(code)")
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.object["result_code"] as? String == code)
            }
            let badQuality = try await client.call(.post, "/v1/faxes", token: f.aliceToken,
                json: #"{"recipients":["+12065550100"],"quality":"ultra","cover_page":{"subject":"x"}}"#)
            #expect(badQuality.status == .unprocessableContent)
            #expect((badQuality.object["errors"] as? [[String: Any]])?.first?["field"] as? String == "quality")
            // nothing half-created: no fax, no document, no queued work
            #expect(try await f.count("faxes") == 0)
            #expect(try await f.count("documents") == 0)
            #expect(try await f.count("work") == 0)
            // the limit leaves room for two
            #expect(try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: Self.submission(["+12065550100", "+12065550101"])).status == .accepted)
        }
    }

    @Test func listFiltersAndPagesWithACursor() async throws {
        try await APIFixture.with { f, client in
            var all: [Int64] = []
            for n in 0..<5 {
                let r = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: Self.submission(["+1206555010\(n)"]))
                all += Self.ids(r)
            }
            _ = try await client.call(.post, "/v1/faxes", token: f.adminAToken, json: Self.submission(["+12065550100"]))
            // pages of two, newest first, no overlap, until no cursor
            var seen: [Int64] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await client.call(.get, "/v1/faxes?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: f.aliceToken)
                #expect(page.status == .ok)
                seen += ((page.object["data"] as? [[String: Any]]) ?? []).compactMap { ($0["id"] as? Int).map(Int64.init) }
                cursor = page.object["next_cursor"] as? String
                pages += 1
            } while cursor != nil && pages < 10
            // alice (department scope) sees her five; the admin's fax at company level is outside her scope
            #expect(seen == all.reversed())
            #expect(pages == 3)
            // the administrator sees all six, and can filter by department, number, user and status
            let adminAll = try await client.call(.get, "/v1/faxes?limit=100", token: f.adminAToken)
            #expect((adminAll.object["data"] as? [Any])?.count == 6)
            let byDepartment = try await client.call(.get, "/v1/faxes?account_id=\(f.departmentA.id)", token: f.adminAToken)
            #expect((byDepartment.object["data"] as? [Any])?.count == 5)
            let byNumber = try await client.call(.get, "/v1/faxes?number=%2B12065550100", token: f.adminAToken)
            #expect((byNumber.object["data"] as? [Any])?.count == 2)
            let byUser = try await client.call(.get, "/v1/faxes?user_id=\(f.adminA.id)&direction=outbound&status=submitted,queued", token: f.adminAToken)
            #expect((byUser.object["data"] as? [Any])?.count == 1)
            let future = try await client.call(.get, "/v1/faxes?created_from=2100-01-01T00:00:00Z", token: f.adminAToken)
            #expect((future.object["data"] as? [Any])?.count == 0)
            let badCursor = try await client.call(.get, "/v1/faxes?cursor=zzz", token: f.adminAToken)
            #expect(badCursor.status == .unprocessableContent)
        }
    }

    @Test func cancelBulkCancelAndResend() async throws {
        try await APIFixture.with { f, client in
            let ids = Self.ids(try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: Self.submission(["+12065550100", "+12065550101", "+12065550102"])))
            // cancel one
            let cancelled = try await client.call(.post, "/v1/faxes/\(ids[0])/cancel", token: f.aliceToken)
            #expect(cancelled.status == .ok)
            #expect(cancelled.object["outcome"] as? String == "cancelled")
            #expect(try await client.call(.get, "/v1/faxes/\(ids[0])", token: f.aliceToken).object["status"] as? String == "cancelled")
            // again: still cancelled, no error
            #expect(try await client.call(.post, "/v1/faxes/\(ids[0])/cancel", token: f.aliceToken).status == .ok)
            // a fax mid-call is flagged and answered 202
            let scheduler = FaxScheduler(database: f.database)
            try await scheduler.renderingFinished(faxID: ids[1], pages: 1)
            _ = try await scheduler.beginAttempt(faxID: ids[1], worker: "test")
            let midCall = try await client.call(.post, "/v1/faxes/\(ids[1])/cancel", token: f.aliceToken)
            #expect(midCall.status == .accepted && midCall.object["outcome"] as? String == "cancelling")
            // the call's report then ends it as cancelled
            try await scheduler.reportAttempt(faxID: ids[1], attempt: 1, report: AttemptReport(result: .ok, pagesSent: 1))
            #expect(try await client.call(.get, "/v1/faxes/\(ids[1])", token: f.aliceToken).object["status"] as? String == "cancelled")
            // bulk: mixed outcomes, another tenant's fax reads as not found
            let bobsFax = Self.ids(try await client.call(.post, "/v1/faxes", token: f.bobToken, json: Self.submission(["+12065550100"])))[0]
            let bulk = try await client.call(.post, "/v1/faxes/cancel", token: f.aliceToken, json: "{\"ids\":[\(ids[2]),\(ids[0]),\(bobsFax),999999]}")
            #expect(bulk.status == .ok)
            let outcomes = ((bulk.object["results"] as? [[String: Any]]) ?? []).map { $0["outcome"] as? String }
            #expect(outcomes == ["cancelled", "cancelled", "not_found", "not_found"])
            #expect(try await client.call(.get, "/v1/faxes/\(bobsFax)", token: f.bobToken).object["status"] as? String == "submitted")
            // resend to a new number: a new fax with a copy of the original
            let resent = try await client.call(.post, "/v1/faxes/\(ids[0])/resend", token: f.aliceToken, json: #"{"recipient":"+12065550142"}"#)
            #expect(resent.status == .accepted)
            let newID = try #require(Self.ids(resent).first)
            #expect(!ids.contains(newID))
            let copy = try await client.call(.get, "/v1/faxes/\(newID)/documents/0", token: f.aliceToken)
            #expect(Array(buffer: copy.body) == SampleDocuments.pdf("hello"))
            #expect(try await client.call(.get, "/v1/faxes/\(newID)", token: f.aliceToken).object["remote_number"] as? String == "+12065550142")
        }
    }

    @Test func everyIdRouteIsA404ForAnotherTenant() async throws {
        try await APIFixture.with { f, client in
            let id = Self.ids(try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: Self.submission(["+12065550100"])))[0]
            let calls: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/v1/faxes/\(id)", nil),
                (.post, "/v1/faxes/\(id)/cancel", nil),
                (.post, "/v1/faxes/\(id)/resend", "{}"),
                (.get, "/v1/faxes/\(id)/documents/0", nil),
            ]
            for (method, path, body) in calls {
                // the other company
                let response = try await client.call(method, path, token: f.bobToken, json: body)
                #expect(response.status == .notFound, "\(method) \(path)")
                #expect(response.headers[.contentType] == "application/problem+json")
                // and the owner's company admin (scope above) still reaches it
                if method == .get {
                    #expect(try await client.call(method, path, token: f.adminAToken).status == .ok, "\(path)")
                }
            }
            let list = try await client.call(.get, "/v1/faxes", token: f.bobToken)
            #expect((list.object["data"] as? [Any])?.isEmpty == true)
            let filtered = try await client.call(.get, "/v1/faxes?account_id=\(f.departmentA.id)", token: f.bobToken)
            #expect((filtered.object["data"] as? [Any])?.isEmpty == true)
            // nothing changed for the owner
            #expect(try await client.call(.get, "/v1/faxes/\(id)", token: f.aliceToken).object["status"] as? String == "submitted")
            #expect(try await f.count("faxes") == 1)
        }
    }
}

@Suite("REST API: who reads fax content")
struct FaxContentAccessTests {
    @Test func platformAndResellerStaffSeeMetadataButNeverDocuments() async throws {
        try await APIFixture.with { f, client in
            // setup: a fax of company A, and an operator at the platform node with every right
            let id = try #require(FaxesAPITests.ids(try await client.call(.post, "/v1/faxes", token: f.aliceToken,
                json: FaxesAPITests.submission(["+12065550100"]))).first)
            let users = UserRepository(database: f.database, passwordParameters: .testing)
            let operatorUser = try await users.create(accountID: f.platform.id, email: "ops@platform.test", password: "ops-pw", scope: f.platform.scope)
            try await users.grant(userID: operatorUser.id, accountID: f.platform.id, rights: AdminRight.all, scope: f.platform.scope)
            let token = try await APITokenRepository(database: f.database).create(userID: operatorUser.id, name: "ops", scope: f.platform.scope).secret
            // act
            let detail = try await client.call(.get, "/v1/faxes/\(id)", token: token)
            let original = try await client.call(.get, "/v1/faxes/\(id)/documents/0", token: token)
            let own = try await client.call(.get, "/v1/faxes/\(id)/documents/0", token: f.aliceToken)
            // check
            #expect(detail.status == .ok)
            #expect(original.status == .forbidden && original.object["type"] as? String != nil)
            #expect(own.status == .ok)
        }
    }
}
