import FaxEngine
import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing
@testable import Web

/// Received faxes delivered by the real `pagewire-jobs` to real peers on loopback: an aiosmtpd
/// SMTP server, OpenSSH's sshd (SFTP), and an HTTPS receiver with a self-signed certificate.
@Suite("Inbound delivery", .serialized)
struct InboundDeliveryTests {
    static func jobsEnvironment(smtp: Int? = nil, attempts: Int = 8, caFile: String? = nil) -> [String: String] {
        var environment = [
            "PAGEWIRE_INBOUND_RETRY_BASE_SECONDS": "1",
            "PAGEWIRE_INBOUND_ROUTE_ATTEMPTS": String(attempts),
            "PAGEWIRE_MAIL_FROM": "fax@reseller.test",
        ]
        if let smtp { environment["PAGEWIRE_MAIL_SMTP_URL"] = "smtp://127.0.0.1:\(smtp)" }
        if let caFile { environment["PAGEWIRE_INBOUND_HTTPS_CA_FILE"] = caFile }
        return environment
    }

    static func temporary() -> String { NSTemporaryDirectory() + "pw-jobs-" + String(UInt64.random(in: 0...UInt64.max), radix: 36) }

    @Test func emailRouteDeliversEachAddressOnceThroughAnOutageWithMetadataAndThePartialFlag() async throws {
        try await APIFixture.with { f, _ in
            // setup: company A e-mails received faxes to two addresses as PDF with JSON metadata; the relay refuses the first message
            let settings = SettingsRepository(database: f.database)
            try await settings.set(Settings.inboundEmailAddresses, to: ["inbox@clinic-a.test", "copy@clinic-a.test"], atAccount: f.companyA.id, scope: f.platform.scope)
            try await settings.set(Settings.metadata, to: .json, atAccount: f.companyA.id, scope: f.platform.scope)
            try await settings.set(Settings.archive, to: FaxArchive(inbound: true, email: "archive@clinic-a.test", fileType: .tiff),
                                   atAccount: f.companyA.id, scope: f.platform.scope)
            let sink = try SMTPSink(failFirst: 1)
            defer { sink.stop() }
            let temporary = Self.temporary()
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            let jobs = try f.startJobs(directory: temporary, environment: Self.jobsEnvironment(smtp: sink.port))
            defer { jobs.kill(signal: SIGTERM) }
            // act: a two-page reception that ended early
            let id = try await ReceivedFaxes.receive(f, userID: f.alice.id, pages: 2, partial: true)
            let state = try await ReceivedFaxes.waitForState(f, id, ["delivered", "delivery_failed"])
            // check: delivered; one message per address and the archive copy (the refused one retried, none twice)
            #expect(state == "delivered")
            let all = sink.messages
            #expect(all.count == 3)
            #expect(Set(all.flatMap { $0["rcpt_tos"] as? [String] ?? [] }) == ["inbox@clinic-a.test", "copy@clinic-a.test", "archive@clinic-a.test"])
            let archived = try #require(all.first { ($0["rcpt_tos"] as? [String]) == ["archive@clinic-a.test"] })
            let archivedFiles = MIMEAttachments.parse(archived["data"] as? String ?? "")
            #expect(archivedFiles.keys.allSatisfy { $0.hasSuffix(".tif") } && archivedFiles.count == 1)
            #expect(try ReceivedFaxes.pageCount(tiff: archivedFiles.values.first ?? []) == 2)
            let messages = all.filter { ($0["rcpt_tos"] as? [String]) != ["archive@clinic-a.test"] }
            #expect(messages.count == 2)
            for message in messages {
                let data = message["data"] as? String ?? ""
                #expect(data.contains("Subject: [Potentially partial] Fax from +1 (206) 555-0199 (2 pages)"))
                #expect(data.contains("Auto-Submitted: auto-generated"))
                let files = MIMEAttachments.parse(data)
                let pdf = try #require(files.first(where: { $0.key.hasSuffix(".pdf") })?.value)
                #expect(pdf.starts(with: Array("%PDF".utf8)))
                #expect(ReceivedFaxes.pdfPageCount(pdf) == 2)
                let json = try #require(files.first(where: { $0.key.hasSuffix(".json") })?.value)
                let metadata = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
                #expect(metadata["fax_id"] as? Int == Int(id))
                #expect(metadata["potentially_partial"] as? Bool == true)
                #expect(metadata["caller_number"] as? String == "+12065550199")
                #expect(metadata["called_number"] as? String == "+12065550100")
                #expect(metadata["remote_id"] as? String == "ACME FAX")
                #expect(metadata["pages"] as? Int == 2)
            }
            // one forwarded event per address, and the refused try recorded as retrying
            let events = try await ReceivedFaxes.events(f, id)
            #expect(Set(events.filter { $0.type == "forwarded" && $0.status == "delivered" }.compactMap(\.target)) == ["inbox@clinic-a.test", "copy@clinic-a.test"])
            #expect(events.filter { $0.type == "failed" && $0.status == "retrying" }.count == 1)
            #expect(events.filter { $0.type == "archived" && $0.status == "delivered" }.compactMap(\.target) == ["archive@clinic-a.test"])
            #expect(events.first?.type == "receiving")
            #expect(events.contains { $0.type == "received" && $0.status == "partial" })
        }
    }

    @Test func sftpRouteUploadsNamedStampedPagesWithKeyAuthentication() async throws {
        try await APIFixture.with { f, _ in
            // setup: alice's own routes: SFTP with a key, TIFF one file per page, XML metadata, a header stamp on the first page
            let server = try SFTPServer()
            defer { server.stop() }
            let settings = SettingsRepository(database: f.database)
            let target = InboundSFTPTarget(host: "127.0.0.1", port: server.port, username: SFTPServer.user, privateKey: server.clientPrivateKey,
                                           hostKeySHA256: server.hostKeySHA256, directory: server.inbox + "/received",
                                           fileNameTemplate: "in-{date}-{fax_id}-{caller}-to-{called}")
            // the key is stored sealed, as the delivery settings page and API store it; jobs opens it to upload
            try await settings.set(Settings.inboundSFTP, to: try target.sealed(as: "inbound.sftp", transit: f.vault.documents.transit),
                                   forUser: f.alice.id, scope: f.platform.scope)
            try await settings.set(Settings.inboundFileType, to: .tiff, forUser: f.alice.id, scope: f.platform.scope)
            try await settings.set(Settings.pageSeparation, to: true, forUser: f.alice.id, scope: f.platform.scope)
            try await settings.set(Settings.metadata, to: .xml, atAccount: f.departmentA.id, scope: f.platform.scope)
            try await settings.set(Settings.timeZone, to: "America/New_York", atAccount: f.companyA.id, scope: f.platform.scope)
            try await settings.set(Settings.inboundStamp, to: InboundStamp(text: "Received {received} from {caller} page {page} of {pages} fax {fax_id}",
                                                                           position: .header, pages: .first),
                                   atAccount: f.companyA.id, scope: f.platform.scope)
            let temporary = Self.temporary()
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            let jobs = try f.startJobs(directory: temporary, environment: Self.jobsEnvironment())
            defer { jobs.kill(signal: SIGTERM) }
            // act
            let id = try await ReceivedFaxes.receive(f, userID: f.alice.id, pages: 2)
            let state = try await ReceivedFaxes.waitForState(f, id, ["delivered", "delivery_failed"])
            // check: three files named by the convention (date in New York), pages stamped as configured
            #expect(state == "delivered")
            let receivedAt: Date = try await f.database.query("SELECT created_at FROM faxes WHERE id = ?", id)[0].get("created_at")
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "America/New_York")
            formatter.dateFormat = "yyyyMMdd"
            let base = "in-\(formatter.string(from: receivedAt))-\(id)-12065550199-to-12065550100"
            #expect(server.files(under: "received") == ["\(base)-p001.tif", "\(base)-p002.tif", "\(base).xml"])
            let page1 = Array(try Data(contentsOf: URL(fileURLWithPath: "\(server.inbox)/received/\(base)-p001.tif")))
            let page2 = Array(try Data(contentsOf: URL(fileURLWithPath: "\(server.inbox)/received/\(base)-p002.tif")))
            #expect(try ReceivedFaxes.pageCount(tiff: page1) == 1)
            #expect(try ReceivedFaxes.blackPixelsAtTop(page1, page: 0, rows: 40) > 200)  // the stamp's text
            #expect(try ReceivedFaxes.blackPixelsAtTop(page2, page: 0, rows: 40) == 0)   // first page only
            let xml = try String(contentsOfFile: "\(server.inbox)/received/\(base).xml", encoding: .utf8)
            #expect(xml.contains("<fax_id>\(id)</fax_id>"))
            #expect(xml.contains("<potentially_partial>false</potentially_partial>"))
            #expect(xml.contains("<time_zone>America/New_York</time_zone>"))
            let events = try await ReceivedFaxes.events(f, id)
            #expect(events.filter { $0.type == "forwarded" && $0.status == "delivered" }.map(\.target) == [target.displayTarget])
            let stored: [String] = try await f.database.query("SELECT config_json FROM inbound_deliveries WHERE fax_id = ?", id).map { try $0.get("config_json") }
            #expect(stored.count == 1 && stored.allSatisfy { !$0.contains("PRIVATE KEY") })
        }
    }

    @Test func sftpWithAWrongPasswordFailsAfterTheLastTryTellsTheOwnerAndKeepsTheFax() async throws {
        try await APIFixture.with { f, client in
            // setup: company A uploads with a wrong password; two tries per route
            let server = try SFTPServer()
            defer { server.stop() }
            let sink = try SMTPSink(failFirst: 0)
            defer { sink.stop() }
            let target = InboundSFTPTarget(host: "127.0.0.1", port: server.port, username: SFTPServer.user, password: "not-the-password",
                                           hostKeySHA256: server.hostKeySHA256, directory: server.inbox)
            try await SettingsRepository(database: f.database).set(Settings.inboundSFTP, to: target, atAccount: f.companyA.id, scope: f.platform.scope)
            let temporary = Self.temporary()
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            let jobs = try f.startJobs(directory: temporary, environment: Self.jobsEnvironment(smtp: sink.port, attempts: 2))
            defer { jobs.kill(signal: SIGTERM) }
            // act
            let id = try await ReceivedFaxes.receive(f, userID: f.alice.id, pages: 1)
            let state = try await ReceivedFaxes.waitForState(f, id, ["delivered", "delivery_failed"])
            // check: failed after two tries, both recorded; nothing uploaded; the owner was told once; still in the inbox
            #expect(state == "delivery_failed")
            let events = try await ReceivedFaxes.events(f, id)
            #expect(events.filter { $0.type == "failed" }.map(\.status) == ["retrying", "failed"])
            #expect(events.filter { $0.type == "failed" }.allSatisfy { $0.target == target.displayTarget })
            #expect(server.files().isEmpty)
            // the password stays in the settings: the delivery rows keep the target without it
            let stored: [String] = try await f.database.query("SELECT config_json FROM inbound_deliveries WHERE fax_id = ?", id).map { try $0.get("config_json") }
            #expect(stored.count == 1 && stored.allSatisfy { !$0.contains("not-the-password") })
            let kept = try stored.map { try JSONDecoder().decode(InboundRouteConfig.self, from: Data($0.utf8)) }
            #expect(kept.map { $0.sftp?.hostKeySHA256 } == [server.hostKeySHA256] && kept.allSatisfy { $0.sftp?.password == nil })
            for _ in 0..<150 where sink.messages.isEmpty { try await Task.sleep(for: .milliseconds(200)) }
            let messages = sink.messages
            #expect(messages.count == 1)
            #expect(messages.first?["rcpt_tos"] as? [String] == ["alice@clinic-a.test"])
            let text = messages.first?["data"] as? String ?? ""
            #expect(text.contains("Subject: Fax from +1 (206) 555-0199 could not be delivered"))
            #expect(text.contains("It is still in your inbox."))
            let listed = try await client.call(.get, "/v1/inbound", token: f.aliceToken)
            #expect((listed.object["data"] as? [[String: Any]])?.map { $0["id"] as? Int } == [Int(id)])
            #expect((listed.object["data"] as? [[String: Any]])?.first?["status"] as? String == "delivery_failed")
            // a shared queue's fax has no user: the nearest administrator (company A's) is told
            let queued = try await ReceivedFaxes.receive(f, userID: nil, pages: 1)
            #expect(try await ReceivedFaxes.waitForState(f, queued, ["delivered", "delivery_failed"]) == "delivery_failed")
            for _ in 0..<150 where sink.messages.count < 2 { try await Task.sleep(for: .milliseconds(200)) }
            let queueNotice = sink.messages.dropFirst().first
            #expect(queueNotice?["rcpt_tos"] as? [String] == ["admin@clinic-a.test"])
            #expect((queueNotice?["data"] as? String ?? "").contains("(queue Front desk) was received but could not be delivered"))
        }
    }

    @Test func httpsRoutePostsASignedMultipartThatTheReceiverVerifies() async throws {
        try await APIFixture.with(allowPrivateWebhooks: true) { f, _ in
            // setup: an HTTPS receiver with a self-signed certificate that answers 503 once
            let directory = NSTemporaryDirectory() + "pw-https-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let certificate = try TestCertificate(directory: directory + "/tls")
            let receiver = try ScriptPeer(script: "https_sink.py", arguments: { [$0, certificate.certificate, certificate.key, "--fail-first", "1"] },
                                          directory: directory + "/sink")
            defer { receiver.stop() }
            let secret = "inbound-secret-0123456789"
            try await SettingsRepository(database: f.database).set(
                Settings.inboundHTTPS, to: try InboundHTTPSTarget(url: "https://127.0.0.1:\(receiver.port)/faxes/in?source=pagewire", secret: secret)
                    .sealed(as: "inbound.https", transit: f.vault.documents.transit),
                atAccount: f.companyA.id, scope: f.platform.scope)
            let temporary = Self.temporary()
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            let jobs = try f.startJobs(directory: temporary, environment: Self.jobsEnvironment(caFile: certificate.certificate))
            defer { jobs.kill(signal: SIGTERM) }
            // act
            let id = try await ReceivedFaxes.receive(f, userID: nil, pages: 3)
            let state = try await ReceivedFaxes.waitForState(f, id, ["delivered", "delivery_failed"])
            // check: one stored request, signature valid over the raw body, metadata and a 3-page PDF inside
            #expect(state == "delivered")
            let stored = try #require(try? Data(contentsOf: URL(fileURLWithPath: receiver.directory + "/1.json")))
            #expect(!FileManager.default.fileExists(atPath: receiver.directory + "/2.json"))
            let record = try #require(try JSONSerialization.jsonObject(with: stored) as? [String: Any])
            let headers = record["headers"] as? [String: String] ?? [:]
            let body = Array(Data(base64Encoded: record["body_base64"] as? String ?? "") ?? Data())
            #expect(record["path"] as? String == "/faxes/in?source=pagewire")
            #expect(WebhookSignature.verify(header: headers["pagewire-signature"] ?? "", secret: secret, body: body))
            #expect(!WebhookSignature.verify(header: headers["pagewire-signature"] ?? "", secret: "another-secret-0123456789", body: body))
            let contentType = headers["content-type"] ?? ""
            #expect(contentType.hasPrefix("multipart/form-data; boundary="))
            let boundary = String(contentType.split(separator: "=", maxSplits: 1).last ?? "")
            let text = String(decoding: body, as: UTF8.self)
            let parts = text.components(separatedBy: "--" + boundary)
            let metadataPart = try #require(parts.first { $0.contains("name=\"metadata\"") })
            let json = String(metadataPart[metadataPart.range(of: "\r\n\r\n")!.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
            let metadata = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            #expect(metadata["fax_id"] as? Int == Int(id))
            #expect(metadata["queue"] as? String == "Front desk")
            #expect(metadata["pages"] as? Int == 3)
            #expect(text.contains("name=\"document\"; filename=\"fax-"))
            #expect(ReceivedFaxes.pdfPageCount(body) == 3)
            let events = try await ReceivedFaxes.events(f, id)
            #expect(events.filter { $0.type == "forwarded" && $0.status == "delivered" }.map(\.target) == ["https://127.0.0.1:\(receiver.port)/faxes/in"])
            #expect(events.filter { $0.type == "failed" }.map(\.status) == ["retrying"])
            let rows: [String] = try await f.database.query("SELECT config_json FROM inbound_deliveries WHERE fax_id = ?", id).map { try $0.get("config_json") }
            #expect(rows.count == 1 && rows.allSatisfy { !$0.contains(secret) })
        }
    }

    @Test func aDeliveryCutOffByKillingJobsIsCompletedOnceByTheNextProcess() async throws {
        try await APIFixture.with(allowPrivateWebhooks: true) { f, _ in
            // setup: the receiver holds the first request open (the upload is in flight)
            let directory = NSTemporaryDirectory() + "pw-https-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let certificate = try TestCertificate(directory: directory + "/tls")
            let receiver = try ScriptPeer(script: "https_sink.py", arguments: { [$0, certificate.certificate, certificate.key, "--hold-first", "60"] },
                                          directory: directory + "/sink")
            defer { receiver.stop() }
            let secret = "inbound-secret-0123456789"
            try await SettingsRepository(database: f.database).set(
                Settings.inboundHTTPS, to: InboundHTTPSTarget(url: "https://127.0.0.1:\(receiver.port)/in", secret: secret),
                atAccount: f.companyA.id, scope: f.platform.scope)
            let temporary = Self.temporary()
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            let first = try f.startJobs(directory: temporary, environment: Self.jobsEnvironment(caFile: certificate.certificate))
            let id = try await ReceivedFaxes.receive(f, userID: f.alice.id, pages: 2)
            for _ in 0..<450 where !FileManager.default.fileExists(atPath: receiver.directory + "/held") { try await Task.sleep(for: .milliseconds(200)) }
            #expect(FileManager.default.fileExists(atPath: receiver.directory + "/held"))
            // act: pagewire-jobs dies mid-request; its lease on the route ends (made due now instead of
            // waiting out the lease time), and another process takes the work
            first.kill(signal: SIGKILL)
            #expect(try await f.database.query("SELECT state FROM faxes WHERE id = ?", id)[0].get("state", as: String.self) == "delivering")
            try await f.database.execute("UPDATE work SET run_at = ? WHERE kind = ? AND state = 'ready'", Date(), InboundDeliveries.routeKind)
            let second = try f.startJobs(directory: temporary, environment: Self.jobsEnvironment(caFile: certificate.certificate))
            defer { second.kill(signal: SIGTERM) }
            let state = try await ReceivedFaxes.waitForState(f, id, ["delivered", "delivery_failed"])
            // check: delivered by the second process, stored once, signed, one forwarded event
            #expect(state == "delivered")
            let stored = try #require(try? Data(contentsOf: URL(fileURLWithPath: receiver.directory + "/1.json")))
            #expect(!FileManager.default.fileExists(atPath: receiver.directory + "/2.json"))
            let record = try #require(try JSONSerialization.jsonObject(with: stored) as? [String: Any])
            let headers = record["headers"] as? [String: String] ?? [:]
            let body = Array(Data(base64Encoded: record["body_base64"] as? String ?? "") ?? Data())
            #expect(WebhookSignature.verify(header: headers["pagewire-signature"] ?? "", secret: secret, body: body))
            #expect(ReceivedFaxes.pdfPageCount(body) == 2)
            let events = try await ReceivedFaxes.events(f, id)
            #expect(events.filter { $0.type == "forwarded" }.count == 1)
        }
    }

    @Test func resubmitAfterChangingTheRouteDeliversToTheNewTarget() async throws {
        try await APIFixture.with { f, client in
            // setup: delivered to the old address
            let settings = SettingsRepository(database: f.database)
            try await settings.set(Settings.inboundEmailAddresses, to: ["old@clinic-a.test"], atAccount: f.companyA.id, scope: f.platform.scope)
            let sink = try SMTPSink(failFirst: 0)
            defer { sink.stop() }
            let temporary = Self.temporary()
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            let jobs = try f.startJobs(directory: temporary, environment: Self.jobsEnvironment(smtp: sink.port))
            defer { jobs.kill(signal: SIGTERM) }
            let id = try await ReceivedFaxes.receive(f, userID: f.alice.id, pages: 1)
            #expect(try await ReceivedFaxes.waitForState(f, id, ["delivered", "delivery_failed"]) == "delivered")
            // act: the route changes, then the fax is resubmitted (with an id of another tenant and an unknown one)
            try await settings.set(Settings.inboundEmailAddresses, to: ["new@clinic-a.test"], atAccount: f.companyA.id, scope: f.platform.scope)
            let bobsFax = try await ReceivedFaxes.receive(f, company: f.companyB, account: f.companyB, userID: f.bob.id, pages: 1)
            let answer = try await client.call(.post, "/v1/inbound/resubmit", token: f.aliceToken, json: "{\"ids\":[\(id),\(bobsFax),999999]}")
            #expect(answer.status == .ok)
            let results = answer.object["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["outcome"] as? String } == ["queued", "not_found", "not_found"])
            #expect(results.first?["round"] as? Int == 2)
            // a second resubmission while the first runs is refused for that fax
            let again = try await client.call(.post, "/v1/inbound/resubmit", token: f.aliceToken, json: "{\"ids\":[\(id)]}")
            #expect(["in_progress", "queued"].contains((again.object["results"] as? [[String: Any]])?.first?["outcome"] as? String ?? ""))
            for _ in 0..<450 {
                let round: Int = try await f.database.query("SELECT delivery_round FROM faxes WHERE id = ?", id)[0].get("delivery_round")
                let state: String = try await f.database.query("SELECT state FROM faxes WHERE id = ?", id)[0].get("state")
                if round >= 2 && state == "delivered" && sink.messages.count >= 2 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            // check: the old address got it once, the new address got the resubmission
            let recipients = sink.messages.flatMap { $0["rcpt_tos"] as? [String] ?? [] }
            #expect(recipients.filter { $0 == "old@clinic-a.test" }.count == 1)
            #expect(recipients.contains("new@clinic-a.test"))
            let events = try await ReceivedFaxes.events(f, id)
            #expect(events.filter { $0.type == "forwarded" }.compactMap(\.target).prefix(2) == ["old@clinic-a.test", "new@clinic-a.test"])
            #expect(events.contains { $0.type == "resubmitted" })
            // bob's own fax was never resubmitted by alice
            #expect(try await f.database.query("SELECT delivery_round FROM faxes WHERE id = ?", bobsFax)[0].get("delivery_round", as: Int.self) <= 1)
        }
    }

    @Test func aFailedReceptionIsRecordedWithItsResultAndTheOwnerIsTold() async throws {
        try await APIFixture.with { f, client in
            let sink = try SMTPSink(failFirst: 0)
            defer { sink.stop() }
            let temporary = Self.temporary()
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            let jobs = try f.startJobs(directory: temporary, environment: Self.jobsEnvironment(smtp: sink.port))
            defer { jobs.kill(signal: SIGTERM) }
            // act: a call on alice's number that ends before any page
            let id = try await ReceivedFaxes.receive(f, userID: f.alice.id, pages: 0)
            for _ in 0..<300 where sink.messages.isEmpty { try await Task.sleep(for: .milliseconds(200)) }
            // check: failed with its result, no delivery, alice told; the API lists it without a document
            let row = try await f.database.query("SELECT state, result_code, delivery_round FROM faxes WHERE id = ?", id)[0]
            #expect(try row.get("state", as: String.self) == "failed")
            #expect(try row.get("result_code", as: String.self) == "negotiation_failed")
            #expect(try row.get("delivery_round", as: Int.self) == 0)
            let messages = sink.messages
            #expect(messages.count == 1)
            #expect(messages.first?["rcpt_tos"] as? [String] == ["alice@clinic-a.test"])
            #expect((messages.first?["data"] as? String ?? "").contains("Subject: Fax from +1 (206) 555-0199 not received: \(ResultCode.negotiationFailed.title)"))
            let shown = try await client.call(.get, "/v1/inbound/\(id)", token: f.aliceToken)
            #expect(shown.object["status"] as? String == "failed")
            #expect(shown.object["document_url"] == nil)
            #expect(try await client.call(.get, "/v1/inbound/\(id)/document", token: f.aliceToken).status == .notFound)
            let resubmitted = try await client.call(.post, "/v1/inbound/resubmit", token: f.aliceToken, json: "{\"ids\":[\(id)]}")
            #expect((resubmitted.object["results"] as? [[String: Any]])?.first?["outcome"] as? String == "not_received")
        }
    }
}
