import FaxEngine
import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing
@testable import Web

/// The rendered pages (TIFF or PDF, whole or a range) and the transmission confirmation report.
@Suite("Fax downloads: rendered pages and the confirmation report")
struct FaxDownloadsAPITests {
    /// A submitted fax of alice's with a three-page rendered TIFF in the vault (pages 100, 200 and
    /// 300 rows tall, so a range can be told apart; page 1 has a black block for the thumbnail).
    static func renderedFax(_ f: APIFixture, client: any TestClientProtocol) async throws -> Int64 {
        let submitted = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: FaxesAPITests.submission(["+1 206 555 0100"]))
        let id = try #require(FaxesAPITests.ids(submitted).first)
        var pages = [100, 200, 300].map { FaxEngine.FaxPage(height: $0) }
        for y in 20..<80 { for x in 200..<1500 { pages[0][x, y] = true } }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-rendered-\(UUID().uuidString).tif")
        defer { try? FileManager.default.removeItem(at: file) }
        try FaxTIFF.write(pages, to: file)
        let stored = try await f.vault.documents.put(companyID: f.companyA.id, accountID: f.departmentA.id, kind: .faxTIFF,
                                                     contentType: "image/tiff", bytes: Array(try Data(contentsOf: file)))
        try await FaxScheduler(database: f.database).renderingFinished(faxID: id, renderedDocumentID: stored.id, pages: 3)
        return id
    }

    /// Runs a poppler tool (pdftotext, pdfinfo) on `pdf` and returns what it prints.
    static func poppler(_ tool: String, _ pdf: [UInt8], _ arguments: [String] = []) throws -> String {
        let run = try Poppler.run(tool, pdf, arguments)
        #expect(run.status == 0, "\(tool) failed")
        return run.output
    }

    static func pageCount(_ pdf: [UInt8]) throws -> Int? {
        Poppler.pages(inInfo: try poppler("pdfinfo", pdf))
    }

    static func tiffHeights(_ bytes: [UInt8]) throws -> [Int] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID().uuidString).tif")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(bytes).write(to: file)
        return try FaxTIFF.readPages(file).map(\.height)
    }

    @Test func renderedPagesComeAsTIFFOrPDFWholeOrARange() async throws {
        try await APIFixture.with { f, client in
            // setup
            let id = try await Self.renderedFax(f, client: client)
            // act + check: the whole TIFF as transmitted
            let whole = try await client.call(.get, "/v1/faxes/\(id)/pages", token: f.aliceToken)
            #expect(whole.status == .ok && whole.headers[.contentType] == "image/tiff")
            #expect(try Self.tiffHeights(Array(buffer: whole.body)) == [100, 200, 300])
            // a range as TIFF, and one page
            let range = try await client.call(.get, "/v1/faxes/\(id)/pages?format=tiff&pages=2-3", token: f.aliceToken)
            #expect(range.status == .ok)
            #expect(try Self.tiffHeights(Array(buffer: range.body)) == [200, 300])
            #expect(range.headers[.contentDisposition] == "attachment; filename=\"fax-\(id)-pages-2-3.tif\"")
            let single = try await client.call(.get, "/v1/faxes/\(id)/pages?pages=2", token: f.aliceToken)
            #expect(try Self.tiffHeights(Array(buffer: single.body)) == [200])
            // PDF: every page, a range, an open range
            let pdf = try await client.call(.get, "/v1/faxes/\(id)/pages?format=pdf", token: f.aliceToken)
            #expect(pdf.status == .ok && pdf.headers[.contentType] == "application/pdf")
            #expect(try Self.pageCount(Array(buffer: pdf.body)) == 3)
            let pdfRange = try await client.call(.get, "/v1/faxes/\(id)/pages?format=pdf&pages=2-3", token: f.aliceToken)
            #expect(try Self.pageCount(Array(buffer: pdfRange.body)) == 2)
            let openRange = try await client.call(.get, "/v1/faxes/\(id)/pages?format=pdf&pages=3-", token: f.aliceToken)
            #expect(try Self.pageCount(Array(buffer: openRange.body)) == 1)
            #expect(openRange.headers[.contentDisposition] == "attachment; filename=\"fax-\(id)-page-3.pdf\"")
            // a list, as the portal takes it: pages 1 and 3
            let list = try await client.call(.get, "/v1/faxes/\(id)/pages?format=tiff&pages=3,1", token: f.aliceToken)
            #expect(try Self.tiffHeights(Array(buffer: list.body)) == [100, 300])
            #expect(list.headers[.contentDisposition] == "attachment; filename=\"fax-\(id)-pages-1_3.tif\"")
            // bad ranges and formats are 400 problems
            for query in ["pages=0", "pages=3-2", "pages=4", "pages=2-9", "pages=abc", "pages=-2", "pages=1,,2", "pages=2-1,3", "format=png", "format=pdf&pages=1-x"] {
                let bad = try await client.call(.get, "/v1/faxes/\(id)/pages?\(query)", token: f.aliceToken)
                #expect(bad.status == .badRequest, "\(query)")
                #expect(bad.headers[.contentType] == "application/problem+json", "\(query)")
            }
            // another tenant: not found
            #expect(try await client.call(.get, "/v1/faxes/\(id)/pages?format=pdf&pages=1", token: f.bobToken).status == .notFound)
        }
    }

    @Test func reportShowsRemoteIdentifierPagesTimesResultAndEveryAttempt() async throws {
        try await APIFixture.with { f, client in
            // setup: a busy line, then delivered in full to a machine that names itself
            let id = try await Self.renderedFax(f, client: client)
            let scheduler = FaxScheduler(database: f.database)
            _ = try await scheduler.beginAttempt(faxID: id, worker: "test")
            try await scheduler.reportAttempt(faxID: id, attempt: 1, report: AttemptReport(result: .busy, sipStatus: 486, trunk: "t1"))
            _ = try await scheduler.beginAttempt(faxID: id, worker: "test")
            try await scheduler.reportAttempt(faxID: id, attempt: 2, report: AttemptReport(
                result: .ok, pagesSent: 3, sipStatus: 200, t30Code: 0, bitRate: 14400, ecm: true, remoteCSID: "ACME RADIOLOGY", trunk: "t1"))
            // act
            let response = try await client.call(.get, "/v1/faxes/\(id)/report", token: f.aliceToken)
            // check: a PDF whose text has the facts of the fax
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/pdf")
            #expect(response.headers[.contentDisposition] == "attachment; filename=\"fax-\(id)-report.pdf\"")
            let pdf = Array(buffer: response.body)
            #expect(try Self.pageCount(pdf) == 1)
            let text = try Self.poppler("pdftotext", pdf, ["-layout"])
            for expected in ["Transmission confirmation", "Clinic A", "Fax ID:", String(id), "+1 (206) 555-0100",
                             "Remote identifier:", "ACME RADIOLOGY", "3 of 3 sent", "delivered", "ok (Success)",
                             "2 of at most 4", "Transmitted:", "Completed:", " UTC", "First page"] {
                #expect(text.contains(expected), "report lacks \(expected):\n\(text)")
            }
            let attemptLines = text.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
            #expect(attemptLines.count == 2)
            #expect(attemptLines.first?.contains("busy") == true && attemptLines.first?.contains("SIP 486") == true)
            #expect(attemptLines.last?.contains("ok") == true && attemptLines.last?.contains("14400 bit/s") == true
                    && attemptLines.last?.contains("ECM") == true && attemptLines.last?.contains("3 p") == true)
            // the thumbnail is an image of the first page
            #expect(String(decoding: pdf, as: UTF8.self).contains("/Subtype /Image /Width 576"))
            // without the thumbnail; a bad switch; another tenant
            let bare = try await client.call(.get, "/v1/faxes/\(id)/report?thumbnail=false", token: f.aliceToken)
            #expect(!(try Self.poppler("pdftotext", Array(buffer: bare.body))).contains("First page"))
            #expect(try await client.call(.get, "/v1/faxes/\(id)/report?thumbnail=maybe", token: f.aliceToken).status == .badRequest)
            #expect(try await client.call(.get, "/v1/faxes/\(id)/report", token: f.bobToken).status == .notFound)
            // Alice's company moves to Tokyo: the report's times follow (UTC+9, no daylight saving)
            try await SettingsRepository(database: f.database).set(Settings.timeZone, to: "Asia/Tokyo", atAccount: f.companyA.id, scope: f.platform.scope)
            let detail = try #require(try await FaxRepository(database: f.database).detail(Int64(id), scope: f.platform.scope))
            let tokyo = try Self.poppler("pdftotext", Array(buffer: try await client.call(.get, "/v1/faxes/\(id)/report?thumbnail=false", token: f.aliceToken).body), ["-layout"])
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(secondsFromGMT: 9 * 3600)
            formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
            #expect(tokyo.contains(formatter.string(from: detail.fax.createdAt) + " Asia/Tokyo"), "\(tokyo)")
            #expect(!tokyo.contains(" UTC"))
        }
    }

    @Test func reportOfAFaxStillWaitingSaysSo() async throws {
        try await APIFixture.with { f, client in
            // setup: submitted, never rendered
            let submitted = try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: FaxesAPITests.submission(["+1 206 555 0107"]))
            let id = try #require(FaxesAPITests.ids(submitted).first)
            // act
            let response = try await client.call(.get, "/v1/faxes/\(id)/report", token: f.adminAToken)
            // check
            #expect(response.status == .ok)
            let text = try Self.poppler("pdftotext", Array(buffer: response.body))
            #expect(text.contains("submitted") && text.contains("No attempt yet."))
            #expect(!text.contains("First page"))
        }
    }
}
