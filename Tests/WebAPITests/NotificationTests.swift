import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing
@testable import Web

@Suite("E-mail notifications")
struct NotificationTests {
    @Test func noticesReachARealSMTPServerOnceEachThroughAnOutage() async throws {
        try await APIFixture.with { f, client in
            // setup: company A wants the initial notice too; the relay refuses the first message (outage)
            try await SettingsRepository(database: f.database).set(
                Settings.notifications,
                to: NotificationSettings(outboundSuccess: true, outboundFailure: true, inboundReceived: true, emailToFaxInitialNotice: true, includeDocument: false),
                atAccount: f.companyA.id, scope: f.companyA.scope)
            let sink = try SMTPSink(failFirst: 1)
            defer { sink.stop() }
            let temporary = NSTemporaryDirectory() + "pw-jobs-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            let jobs = try f.startJobs(directory: temporary, environment: [
                "PAGEWIRE_MAIL_SMTP_URL": "smtp://127.0.0.1:\(sink.port)", "PAGEWIRE_MAIL_FROM": "fax@reseller.test",
            ])
            defer { jobs.kill(signal: SIGTERM) }
            // act: alice's fax is accepted, then fails for good; bob's company keeps the initial notice off
            let letter = Data("Referral.\n".utf8).base64EncodedString()
            let body = "{\"recipients\":[\"+12065550100\"],\"files\":[{\"filename\":\"r.txt\",\"content_base64\":\"\(letter)\"}]}"
            let id = try #require(FaxesAPITests.ids(try await client.call(.post, "/v1/faxes", token: f.aliceToken, json: body)).first)
            _ = try await client.call(.post, "/v1/faxes", token: f.bobToken, json: body)
            _ = try await RenderingTests.settled(id, client: client, token: f.aliceToken)
            let scheduler = FaxScheduler(database: f.database)
            guard case .proceed(let attempt, _) = try await scheduler.beginAttempt(faxID: id, worker: "test") else { Issue.record("no attempt"); return }
            #expect(try await scheduler.reportAttempt(faxID: id, attempt: attempt, report: AttemptReport(result: .invalidNumber, sipStatus: 404)) == .failed)
            // wait until every notice item is done (the refused one is retried after its back-off)
            for _ in 0..<450 {
                let pending = try await f.database.query("SELECT COUNT(*) AS n FROM work WHERE kind = 'notify.fax'")[0].get("n", as: Int.self)
                if pending == 0 && sink.messages.count >= 2 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            // check: exactly two messages, both to alice, branded, automatic, with the reason in words
            let messages = sink.messages
            #expect(messages.count == 2)
            #expect(messages.allSatisfy { ($0["rcpt_tos"] as? [String]) == ["alice@clinic-a.test"] && $0["mail_from"] as? String == "fax@reseller.test" })
            // (the accepted notice hit the outage and was retried, so it may arrive second)
            let texts = messages.map { $0["data"] as? String ?? "" }
            #expect(texts.filter { $0.contains("Subject: Fax to +1 (206) 555-0100 accepted") }.count == 1)
            let failed = texts.filter { $0.contains("Subject: Fax to +1 (206) 555-0100 failed: Invalid Fax Number") }
            #expect(failed.count == 1)
            #expect(failed.first?.contains(ResultCode.invalidNumber.explanation) == true)
            for text in texts {
                #expect(text.contains("Auto-Submitted: auto-generated"))
                #expect(text.contains("From: Reseller Fax <fax@reseller.test>"))
                #expect(text.contains("Message-ID: <fax-\(id)-"))
                #expect(text.contains("Date: "))
            }
            #expect(try await f.count("fax_notifications") == 2)
            let dead = try await f.database.query("SELECT COUNT(*) AS n FROM work WHERE state = 'dead'")[0].get("n", as: Int.self)
            #expect(dead == 0)
        }
    }
}

@Suite("E-mail gateway answers")
struct MailNoticeDeliveryTests {
    @Test func aQueuedAnswerReachesARealSMTPServerAsAnAutomaticReply() async throws {
        try await APIFixture.with { f, _ in
            // setup: the gateway's answer to a refused message, queued as the gateway queues it
            let sink = try SMTPSink(failFirst: 0)
            defer { sink.stop() }
            let notice = MailNotice(to: "dr.roe@clinic-a.test", subject: "Fax to 206-555-0100 refused: no attachment",
                                    text: "Your e-mail had no document to fax.", inReplyTo: "abc@mua.test",
                                    resultCode: ResultCode.noAttachment.rawValue, mailMessageID: 42, faxIDs: [])
            try await f.database.transaction { c in try notice.enqueue(on: c, now: Date()) }
            let temporary = NSTemporaryDirectory() + "pw-jobs-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            // act
            let jobs = try f.startJobs(directory: temporary, environment: [
                "PAGEWIRE_MAIL_SMTP_URL": "smtp://127.0.0.1:\(sink.port)", "PAGEWIRE_MAIL_FROM": "fax@reseller.test",
            ])
            defer { jobs.kill(signal: SIGTERM) }
            for _ in 0..<450 {
                let pending = try await f.database.query("SELECT COUNT(*) AS n FROM work WHERE kind = 'mail.notice'")[0].get("n", as: Int.self)
                if pending == 0 && !sink.messages.isEmpty { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            // check: one message to the sender, automatic, threaded under their message
            let messages = sink.messages
            #expect(messages.count == 1)
            #expect((messages.first?["rcpt_tos"] as? [String]) == ["dr.roe@clinic-a.test"])
            let text = messages.first?["data"] as? String ?? ""
            #expect(text.contains("Subject: Fax to 206-555-0100 refused: no attachment"))
            #expect(text.contains("Auto-Submitted: auto-generated"))
            #expect(text.contains("In-Reply-To: <abc@mua.test>"))
            #expect(text.contains("Your e-mail had no document to fax."))
            #expect(text.components(separatedBy: "Auto-Submitted:").count == 2)
            let left = try await f.database.query("SELECT COUNT(*) AS n FROM work WHERE kind = 'mail.notice'")[0].get("n", as: Int.self)
            #expect(left == 0)
        }
    }
}
