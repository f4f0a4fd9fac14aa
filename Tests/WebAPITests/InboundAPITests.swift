import FaxEngine
import Foundation
import Hummingbird
import HummingbirdTesting
import InboundDelivery
import Logging
import PagewireCore
import Testing
@testable import Web

/// `/v1/inbound` (Inbound Web Services) over faxes routed by the real routing handler.
@Suite("Inbound API")
struct InboundAPITests {
    /// Runs every queued `fax.deliver_inbound` item with the handler pagewire-jobs uses.
    static func route(_ f: APIFixture) async throws {
        let handler = InboundRoutingHandler(
            deliveries: InboundDeliveries(database: f.database), preparer: InboundFilePreparer(documents: f.vault.documents),
            routeAttempts: 3, logger: Logger(label: "test"))
        let queue = WorkQueue(database: f.database, owner: "test")
        while true {
            let items = try await queue.claim(kinds: [InboundFaxes.deliverKind], limit: 10)
            if items.isEmpty { break }
            for item in items {
                try await handler.handle(item)
                try await queue.complete(item)
            }
        }
    }

    @Test func pullListDownloadAcknowledgeAndResubmitInsideTheTenant() async throws {
        try await APIFixture.with { f, client in
            // setup: company A pulls through the API; two faxes for A (alice's and the shared queue's, partial), one for B
            let settings = SettingsRepository(database: f.database)
            try await settings.set(Settings.inboundAPI, to: true, atAccount: f.companyA.id, scope: f.platform.scope)
            let first = try await ReceivedFaxes.receive(f, userID: f.alice.id, pages: 2)
            let second = try await ReceivedFaxes.receive(f, userID: nil, pages: 1, partial: true, caller: "")
            let bobs = try await ReceivedFaxes.receive(f, company: f.companyB, account: f.companyB, userID: f.bob.id, pages: 1)
            try await Self.route(f)
            // act + check: the list, oldest first, with a cursor that moves past what was returned
            let listed = try await client.call(.get, "/v1/inbound", token: f.aliceToken)
            #expect(listed.status == .ok)
            let data = listed.object["data"] as? [[String: Any]] ?? []
            #expect(data.map { $0["id"] as? Int } == [Int(first), Int(second)])
            #expect(data.map { $0["status"] as? String } == ["delivered", "delivered"])
            #expect(data.map { $0["potentially_partial"] as? Bool } == [false, true])
            #expect(data.last?["queue"] as? String == "Front desk")
            #expect(data.last?["caller_number"] as? String == "")
            let cursor = try #require(listed.object["next_cursor"] as? String)
            let later = try await client.call(.get, "/v1/inbound?cursor=\(cursor)", token: f.aliceToken)
            #expect((later.object["data"] as? [[String: Any]])?.isEmpty == true)
            #expect(later.object["next_cursor"] as? String == cursor)
            #expect(try await client.call(.get, "/v1/inbound?cursor=zz", token: f.aliceToken).status == .unprocessableContent)
            #expect(try await client.call(.get, "/v1/inbound?limit=0", token: f.aliceToken).status == .unprocessableContent)
            // the document, as PDF and as TIFF
            let pdf = try await client.call(.get, "/v1/inbound/\(first)/document", token: f.aliceToken)
            #expect(pdf.status == .ok)
            #expect(pdf.headers[.contentType] == "application/pdf")
            #expect(ReceivedFaxes.pdfPageCount(Array(buffer: pdf.body)) == 2)
            let tiff = try await client.call(.get, "/v1/inbound/\(first)/document?format=tiff", token: f.aliceToken)
            #expect(tiff.status == .ok)
            #expect(try ReceivedFaxes.pageCount(tiff: Array(buffer: tiff.body)) == 2)
            #expect(try await client.call(.get, "/v1/inbound/\(first)/document?format=gif", token: f.aliceToken).status == .unprocessableContent)
            // another tenant: every id reads as not found, and its list holds only its own fax
            #expect(try await client.call(.get, "/v1/inbound/\(first)", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.get, "/v1/inbound/\(first)/document", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.post, "/v1/inbound/\(first)/acknowledge", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.get, "/v1/inbound/\(bobs)", token: f.aliceToken).status == .notFound)
            let bobsList = try await client.call(.get, "/v1/inbound", token: f.bobToken)
            #expect((bobsList.object["data"] as? [[String: Any]])?.map { $0["id"] as? Int } == [Int(bobs)])
            // acknowledge: gone from the default list, still there on request; idempotent
            let acknowledged = try await client.call(.post, "/v1/inbound/\(first)/acknowledge", token: f.aliceToken)
            #expect(acknowledged.status == .ok)
            #expect(acknowledged.object["acknowledged_at"] is String)
            #expect(try await client.call(.post, "/v1/inbound/\(first)/acknowledge", token: f.aliceToken).status == .ok)
            let unacknowledged = try await client.call(.get, "/v1/inbound", token: f.aliceToken)
            #expect((unacknowledged.object["data"] as? [[String: Any]])?.map { $0["id"] as? Int } == [Int(second)])
            let all = try await client.call(.get, "/v1/inbound?include_acknowledged=true", token: f.aliceToken)
            #expect((all.object["data"] as? [[String: Any]])?.count == 2)
            // the same fax through /v1/faxes lists its received and delivery documents (checked against the document)
            let asFax = try await client.call(.get, "/v1/faxes/\(first)", token: f.aliceToken)
            #expect(asFax.status == .ok)
            #expect(Set((asFax.object["documents"] as? [[String: Any]] ?? []).compactMap { $0["role"] as? String }) == ["received", "delivery"])
            // one fax with its delivery routes and events
            let shown = try await client.call(.get, "/v1/inbound/\(first)", token: f.aliceToken)
            let routes = shown.object["deliveries"] as? [[String: Any]] ?? []
            #expect(routes.map { $0["route"] as? String } == ["api"])
            #expect(routes.first?["status"] as? String == "delivered")
            let events = try await ReceivedFaxes.events(f, first)
            #expect(events.contains { $0.type == "forwarded" && $0.target == "inbound API" && $0.status == "available" })
            #expect(events.filter { $0.type == "acknowledged" }.count == 1)
            // resubmit by a filter: company A's delivered faxes only; bad requests refused
            let resubmitted = try await client.call(.post, "/v1/inbound/resubmit", token: f.aliceToken, json: #"{"filter":{"status":["delivered"]}}"#)
            #expect(resubmitted.status == .ok)
            let results = resubmitted.object["results"] as? [[String: Any]] ?? []
            #expect(Set(results.compactMap { $0["id"] as? Int }) == [Int(first), Int(second)])
            #expect(results.allSatisfy { $0["outcome"] as? String == "queued" && $0["round"] as? Int == 2 })
            try await Self.route(f)
            let again = try await client.call(.get, "/v1/inbound/\(first)", token: f.aliceToken)
            #expect(again.object["delivery_round"] as? Int == 2)
            #expect(again.object["status"] as? String == "delivered")
            #expect(try await client.call(.post, "/v1/inbound/resubmit", token: f.aliceToken, json: #"{}"#).status == .unprocessableContent)
            #expect(try await client.call(.post, "/v1/inbound/resubmit", token: f.aliceToken, json: #"{"ids":[]}"#).status == .unprocessableContent)
            #expect(try await client.call(.post, "/v1/inbound/resubmit", token: f.aliceToken, json: "[").status == .badRequest)
            #expect(try await f.database.query("SELECT delivery_round FROM faxes WHERE id = ?", bobs)[0].get("delivery_round", as: Int.self) == 1)
            // past retention (the purge marks the received document expired): nothing left to deliver
            try await f.database.execute(
                "UPDATE documents d JOIN fax_documents fd ON fd.document_id = d.id SET d.state = 'expired' WHERE fd.fax_id = ? AND fd.role = 'received'", second)
            let expired = try await client.call(.post, "/v1/inbound/resubmit", token: f.aliceToken, json: "{\"ids\":[\(second)]}")
            #expect((expired.object["results"] as? [[String: Any]])?.first?["outcome"] as? String == "document_expired")
        }
    }

    @Test func aSentFaxIsCopiedToTheCompanyArchiveOnce() async throws {
        try await APIFixture.with { f, client in
            // setup: company A archives sent faxes by e-mail (PDF and JSON metadata)
            try await SettingsRepository(database: f.database).set(
                Settings.archive, to: FaxArchive(inbound: false, outbound: true, email: "records@clinic-a.test", fileType: .pdf, metadata: .json),
                atAccount: f.companyA.id, scope: f.platform.scope)
            let sink = try SMTPSink(failFirst: 0)
            defer { sink.stop() }
            // a fax alice sends, rendered to two pages and delivered
            let id = try #require(FaxesAPITests.ids(try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: FaxesAPITests.submission(["+12065550100"]))).first)
            let rendered = try await f.vault.documents.put(companyID: f.companyA.id, accountID: f.departmentA.id, kind: .faxTIFF,
                                                           contentType: "image/tiff", bytes: try ReceivedFaxes.tiff(pages: 2))
            let scheduler = FaxScheduler(database: f.database)
            try await scheduler.renderingFinished(faxID: id, renderedDocumentID: rendered.id, pages: 2)
            guard case .proceed(let attempt, _) = try await scheduler.beginAttempt(faxID: id, worker: "test") else { Issue.record("no attempt"); return }
            #expect(try await scheduler.reportAttempt(faxID: id, attempt: attempt, report: AttemptReport(result: .ok, pagesSent: 2, remoteCSID: "REMOTE")) == .delivered)
            // act: the archive item runs twice (a repeated item sends nothing more)
            let relay = FaxNotifier.Relay(url: "smtp://127.0.0.1:\(sink.port)", from: "fax@reseller.test")
            let handler = OutboundArchiveHandler(
                deliveries: InboundDeliveries(database: f.database),
                sender: InboundRouteSender(settings: .init(relay: relay, caFile: nil, allowPrivateTargets: false, transit: f.vault.documents.transit),
                                           preparer: InboundFilePreparer(documents: f.vault.documents), brand: { _ in "Reseller" }),
                retryBaseSeconds: 1, logger: Logger(label: "test"))
            let items = try await WorkQueue(database: f.database, owner: "test").claim(kinds: [OutboundArchive.kind], limit: 5)
            #expect(items.count == 1)
            for item in items {
                try await handler.handle(item)
                try await handler.handle(item)
            }
            // check: one message to the archive with the sent pages and outbound metadata; one archived event
            let messages = sink.messages
            #expect(messages.count == 1)
            #expect(messages.first?["rcpt_tos"] as? [String] == ["records@clinic-a.test"])
            let data = messages.first?["data"] as? String ?? ""
            #expect(data.contains("Subject: Archive: fax to +1 (206) 555-0100 (delivered)"))
            let files = MIMEAttachments.parse(data)
            #expect(ReceivedFaxes.pdfPageCount(files.first(where: { $0.key.hasSuffix(".pdf") })?.value ?? []) == 2)
            let json = files.first(where: { $0.key.hasSuffix(".json") })?.value ?? []
            let metadata = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
            #expect(metadata["direction"] as? String == "outbound")
            #expect(metadata["called_number"] as? String == "+12065550100")
            #expect(metadata["remote_id"] as? String == "REMOTE")
            let events = try await ReceivedFaxes.events(f, id)
            #expect(events.filter { $0.type == "archived" }.map(\.target) == ["records@clinic-a.test"])
        }
    }

    @Test func aReceivedDocumentThatCannotBePreparedEndsDeliveryFailedAndTellsTheOwner() async throws {
        try await APIFixture.with { f, client in
            // setup: a reception whose stored TIFF does not decode
            let inbound = InboundFaxes(database: f.database)
            let id = try await inbound.begin(companyID: f.companyA.id, accountID: f.departmentA.id, userID: f.alice.id, queueName: nil,
                                             callerNumber: "+12065550199", calledNumber: "+12065550100", worker: "test")
            let broken = try await f.vault.documents.put(companyID: f.companyA.id, accountID: f.departmentA.id, kind: .faxTIFF,
                                                         contentType: "image/tiff", bytes: Array("II*\0not a fax".utf8))
            try await inbound.finish(faxID: id, report: AttemptReport(result: .ok, pagesSent: 1), pages: 1, partial: false, document: broken)
            // act: the routing item's tries run out (one try here)
            try await f.database.execute("UPDATE work SET max_attempts = 1 WHERE kind = ?", InboundFaxes.deliverKind)
            let handler = InboundRoutingHandler(
                deliveries: InboundDeliveries(database: f.database), preparer: InboundFilePreparer(documents: f.vault.documents),
                routeAttempts: 3, logger: Logger(label: "test"))
            let item = try #require(try await WorkQueue(database: f.database, owner: "test").claim(kinds: [InboundFaxes.deliverKind]).first)
            await #expect(throws: (any Error).self) { try await handler.handle(item) }
            // check: delivery failed, recorded, the owner's notice queued; the fax is still listed
            #expect(try await f.database.query("SELECT state FROM faxes WHERE id = ?", id)[0].get("state", as: String.self) == "delivery_failed")
            #expect(try await ReceivedFaxes.events(f, id).contains { $0.type == "failed" && $0.target == "preparation" })
            #expect(try await f.database.query("SELECT COUNT(*) AS n FROM work WHERE kind = ?", FaxNotice.workKind)[0].get("n", as: Int.self) == 1)
            let listed = try await client.call(.get, "/v1/inbound", token: f.aliceToken)
            #expect((listed.object["data"] as? [[String: Any]])?.first?["status"] as? String == "delivery_failed")
        }
    }

    @Test func filesComeInTheOwnersTypeAndSplitPerPage() async throws {
        try await APIFixture.with { f, _ in
            // setup: a two-page standard-resolution reception
            let pages = (0..<2).map { _ in FaxPage(height: 1100, xDPI: 204, yDPI: 98) }
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("pw-std-\(UUID().uuidString).tif")
            defer { try? FileManager.default.removeItem(at: url) }
            try FaxTIFF.write(pages, to: url)
            let inbound = InboundFaxes(database: f.database)
            let id = try await inbound.begin(companyID: f.companyA.id, accountID: f.departmentA.id, userID: f.alice.id, queueName: nil,
                                             callerNumber: "+12065550199", calledNumber: "+12065550100", worker: "test")
            let document = try await f.vault.documents.put(companyID: f.companyA.id, accountID: f.departmentA.id, kind: .faxTIFF,
                                                           contentType: "image/tiff", bytes: Array(try Data(contentsOf: url)))
            try await inbound.finish(faxID: id, report: AttemptReport(result: .ok, pagesSent: 2), pages: 2, partial: false, document: document)
            let fax = try #require(try await InboundDeliveries(database: f.database).fax(id))
            let preparer = InboundFilePreparer(documents: f.vault.documents)
            var options = InboundDeliveryOptions(settings: [:])
            // act + check: high-resolution TIFF doubles standard rows (one file, true proportions)
            options.fileType = .tiffHiRes
            let hires = try await preparer.files(fax: fax, options: options, baseName: "fax")
            #expect(hires.map(\.name) == ["fax.tif"])
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("pw-hires-\(UUID().uuidString).tif")
            defer { try? FileManager.default.removeItem(at: out) }
            try Data(hires[0].bytes).write(to: out)
            #expect(try FaxTIFF.readPages(out).map { [$0.height, Int($0.yDPI)] } == [[2200, 196], [2200, 196]])
            // one PDF per page with a metadata file
            options.fileType = .pdf
            options.pageSeparation = true
            options.metadata = .json
            let split = try await preparer.files(fax: fax, options: options, baseName: "fax")
            #expect(split.map(\.name) == ["fax-p001.pdf", "fax-p002.pdf", "fax.json"])
            #expect(split.prefix(2).allSatisfy { ReceivedFaxes.pdfPageCount($0.bytes) == 1 })
        }
    }

    @Test func fileNamesAndMetadataFollowTheConventions() throws {
        // setup: a fax received at 23:30 UTC, which is the same evening in New York
        let json = [
            Settings.timeZone.name: "\"America/New_York\"", Settings.metadata.name: "\"xml\"",
            Settings.dateFormat.name: "\"MM/dd/yyyy\"", Settings.timeFormat.name: "\"h:mm a\"",
        ]
        let options = InboundDeliveryOptions(settings: json)
        var fax = try InboundTestFax.make()
        // act
        let name = InboundTokens.fileName("{date}_{time} {fax_id}/{caller}<{called}>{pages}", fax: fax, options: options)
        fax.partial = true
        let xml = String(decoding: InboundMetadata(fax: fax, options: options).render(.xml) ?? [], as: UTF8.self)
        // check: tokens in the owner's time zone, unsafe characters replaced, XML escaped
        #expect(name == "20261130_183000_77_12065550199_12065550100_3")
        #expect(xml.contains("<received_local>11/30/2026 6:30 PM</received_local>"))
        #expect(xml.contains("<potentially_partial>true</potentially_partial>"))
        #expect(xml.contains("<remote_id>A&amp;B &lt;fax&gt;</remote_id>"))
        #expect(InboundMetadata(fax: fax, options: options).render(.none) == nil)
        let stamp = InboundTokens.stamp("{received} {caller} {called} p{page}/{pages} #{fax_id}", fax: fax, options: options, page: 2)
        #expect(stamp == "11/30/2026 6:30 PM +1 (206) 555-0199 +1 (206) 555-0100 p2/3 #77")
        // routes: three addresses at most, duplicates once, and the API
        let plan = InboundRouteConfig.plan(settings: [
            Settings.inboundEmailAddresses.name: #"["a@x.test","A@x.test","b@x.test"]"#, Settings.inboundAPI.name: "true",
        ])
        #expect(plan.map(\.route) == [.email, .email, .api])
        #expect(plan.map(\.target) == ["a@x.test", "b@x.test", "inbound API"])
        #expect(Settings.inboundEmailAddresses.problem(with: ["a@x.test", "b@x.test", "c@x.test", "d@x.test"]) != nil)
        #expect(Settings.inboundEmailAddresses.problem(with: ["not an address"]) != nil)
        #expect(Settings.inboundHTTPS.problem(with: InboundHTTPSTarget(url: "http://x.test/", secret: "0123456789abcdef")) != nil)
    }
}

/// An `InboundFax` without a database (through its JSON-free initialiser path).
enum InboundTestFax {
    static func make() throws -> InboundFax {
        var components = DateComponents()
        (components.year, components.month, components.day, components.hour, components.minute) = (2026, 11, 30, 23, 30)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return InboundFax(
            id: 77, companyID: 1, accountID: 1, accountPath: "/1/", userID: nil, queueName: nil, state: .received, partial: false, pages: 3,
            calledNumber: "+12065550100", callerNumber: "+12065550199", receivedAt: calendar.date(from: components)!, resultCode: .ok,
            remoteCSID: "A&B <fax>", deliveryRound: 0, acknowledgedAt: nil, receivedDocumentID: nil, deliveryTIFFID: nil, deliveryPDFID: nil)
    }
}
