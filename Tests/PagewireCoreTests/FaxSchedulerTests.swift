import Foundation
import PagewireCore
import Testing

@Suite("Retry rules")
struct RetryRulesTests {
    let policy = RetryPolicy(attempts: 4, intervalSeconds: 300)

    @Test func causeAwareDecisions() {
        #expect(RetryRules.decide(result: .ok, attempt: 1, policy: policy, pagesSent: 3, pagesTotal: 3) == .finish(.delivered))
        #expect(RetryRules.decide(result: .busy, attempt: 1, policy: policy, pagesSent: 0, pagesTotal: 3) == .retry(after: 180))
        #expect(RetryRules.decide(result: .noAnswer, attempt: 1, policy: policy, pagesSent: 0, pagesTotal: 3) == .retry(after: 300))
        #expect(RetryRules.decide(result: .invalidNumber, attempt: 1, policy: policy, pagesSent: 0, pagesTotal: 3) == .finish(.failed))
        #expect(RetryRules.decide(result: .transmissionFailed, attempt: 4, policy: policy, pagesSent: 0, pagesTotal: 3) == .finish(.failed))
        #expect(RetryRules.decide(result: .transmissionFailed, attempt: 4, policy: policy, pagesSent: 2, pagesTotal: 3) == .finish(.partiallyDelivered))
        #expect(RetryRules.decide(result: .ok, attempt: 2, policy: policy, pagesSent: 2, pagesTotal: 3) == .retry(after: 300))
    }
}

@Suite("Fax scheduler")
struct FaxSchedulerTests {
    struct Fixture {
        let tree: SampleTree
        let scheduler: FaxScheduler
        let user: User
        let test: TestDatabase

        static func make(_ test: TestDatabase) async throws -> Fixture {
            let tree = try await SampleTree.make(test.database)
            let user = try await tree.users.create(accountID: tree.deptA.id, email: "sender@clinic.example", password: nil, scope: tree.company.scope)
            return Fixture(tree: tree, scheduler: FaxScheduler(database: test.database), user: user, test: test)
        }

        func submit(_ to: [String], key: String? = nil, hash: String = "h", documents: [Int64] = [1], at now: Date = Date()) async throws -> [Int64] {
            try await scheduler.submit(
                OutboundSubmission(recipients: to, documentIDs: documents, idempotencyKey: key, requestHash: hash),
                userID: user.id, scope: tree.company.scope, now: now)
        }

        func state(_ id: Int64) async throws -> (FaxState, String?) {
            let row = try await test.database.query("SELECT state, result_code FROM faxes WHERE id = ?", id)[0]
            return (FaxState(rawValue: try row.get("state"))!, try row.optional("result_code"))
        }

        func count(_ table: String) async throws -> Int {
            try await test.database.query("SELECT COUNT(*) AS n FROM \(table)")[0].get("n")
        }
    }

    @Test func busyThenDeliveredFollowsTheLifecycle() async throws {
        try await TestDatabase.with { test in
            let f = try await Fixture.make(test)
            let t0 = Date()
            let id = try #require(try await f.submit(["(206) 555-0100"], at: t0).first)
            #expect(try await f.state(id).0 == .submitted)
            try await f.scheduler.renderingFinished(faxID: id, pages: 3, now: t0)
            #expect(try await f.state(id).0 == .queued)
            // attempt 1: busy → retry sooner than the interval
            guard case .proceed(1, let number) = try await f.scheduler.beginAttempt(faxID: id, worker: "t1", now: t0) else { Issue.record("no attempt"); return }
            #expect(number.value == "+12065550100")
            #expect(try await f.scheduler.reportAttempt(faxID: id, attempt: 1, report: AttemptReport(result: .busy, sipStatus: 486), now: t0) == .retryWait)
            let queue = WorkQueue(database: test.database, owner: "t")
            #expect(try await queue.claim(kinds: [FaxScheduler.sendKind], limit: 10, now: t0.addingTimeInterval(179)).count == 1)  // attempt 1's item
            let retry = try await queue.claim(kinds: [FaxScheduler.sendKind], now: t0.addingTimeInterval(181))
            #expect(retry.count == 1)
            // attempt 2: delivered
            #expect(try await f.scheduler.beginAttempt(faxID: id, worker: "t1", now: t0.addingTimeInterval(181)) == .proceed(attempt: 2, number: number))
            let final = try await f.scheduler.reportAttempt(faxID: id, attempt: 2, report: AttemptReport(result: .ok, pagesSent: 3, bitRate: 14400, ecm: true, remoteCSID: "CLINIC"), now: t0.addingTimeInterval(240))
            #expect(final == .delivered)
            #expect(try await f.state(id) == (.delivered, "ok"))
            let events = try await test.database.query("SELECT type, status FROM fax_events WHERE fax_id = ? ORDER BY id", id)
            #expect(try events.map { "\(try $0.get("type", as: String.self)):\(try $0.get("status", as: String.self))" } ==
                    ["submitted:accepted", "rendered:ok", "attempt:busy", "attempt:ok", "completed:delivered"])
            // the line is free again and nothing more happens to a final fax
            #expect(try await f.count("destination_locks") == 0)
            #expect(try await f.scheduler.beginAttempt(faxID: id, worker: "t1") == .nothingToDo)
        }
    }

    @Test func refusalsCreateNothing() async throws {
        try await TestDatabase.with { test in
            let f = try await Fixture.make(test)
            let settings = SettingsRepository(database: test.database)
            try await settings.set(Settings.outboundBlocklist, to: ["+12065550199"], atAccount: f.tree.company.id, scope: f.tree.company.scope)
            try await settings.set(Settings.dailyFaxLimit, to: 2, atAccount: f.tree.company.id, scope: f.tree.company.scope)
            await #expect(throws: SubmissionError.refused(.invalidNumber, "12345: 5 digits is neither a 10-digit North American number nor an international number; put + or 011 and the country code in front")) {
                try await f.submit(["2065550100", "12345"])
            }
            await #expect(throws: SubmissionError.refused(.blockedNumber, "+1 (206) 555-0199 is on your account's blocklist")) {
                try await f.submit(["2065550100", "206-555-0199"])
            }
            await #expect(throws: SubmissionError.refused(.noAttachment, "attach at least one document")) {
                try await f.submit(["2065550100"], documents: [])
            }
            await #expect(throws: SubmissionError.refused(.limitExceeded, "the daily limit of 2 faxes is reached (0 sent)")) {
                try await f.submit(["2065550100", "2065550101", "2065550102"])
            }
            #expect(try await f.count("faxes") == 0)
            #expect(try await f.count("work") == 0)
            #expect(try await f.count("fax_documents") == 0)
            _ = try await f.submit(["2065550100", "2065550101"])
            await #expect(throws: SubmissionError.refused(.limitExceeded, "the daily limit of 2 faxes is reached (2 sent)")) {
                try await f.submit(["2065550102"])
            }
        }
    }

    @Test func idempotentResubmission() async throws {
        try await TestDatabase.with { test in
            let f = try await Fixture.make(test)
            let first = try await f.submit(["2065550100", "2065550101"], key: "k-1", hash: "body-a")
            let again = try await f.submit(["2065550100", "2065550101"], key: "k-1", hash: "body-a")
            #expect(first == again && first.count == 2)
            await #expect(throws: SubmissionError.idempotencyConflict) { try await f.submit(["2065550100"], key: "k-1", hash: "body-b") }
            #expect(try await f.count("faxes") == 2)
        }
    }

    @Test func oneCallAtATimePerDestination() async throws {
        try await TestDatabase.with { test in
            let f = try await Fixture.make(test)
            let ids = try await f.submit(["2065550100"]) + (try await f.submit(["206 555 0100"]))
            for id in ids { try await f.scheduler.renderingFinished(faxID: id, pages: 1) }
            // whole seconds: the lock's time comes back from a DATETIME(6) column, microseconds at most
            let t0 = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            guard case .proceed = try await f.scheduler.beginAttempt(faxID: ids[0], worker: "a", lineHold: 600, now: t0) else { Issue.record("first"); return }
            #expect(try await f.scheduler.beginAttempt(faxID: ids[1], worker: "b", now: t0) == .lineBusy(until: t0.addingTimeInterval(600)))
            try await f.scheduler.reportAttempt(faxID: ids[0], attempt: 1, report: AttemptReport(result: .ok, pagesSent: 1), now: t0)
            guard case .proceed = try await f.scheduler.beginAttempt(faxID: ids[1], worker: "b", now: t0) else { Issue.record("second"); return }
        }
    }

    @Test func anAttemptWhoseWorkerDiedIsClosedAndRetried() async throws {
        try await TestDatabase.with { test in
            let f = try await Fixture.make(test)
            let id = try #require(try await f.submit(["2065550100"]).first)
            try await f.scheduler.renderingFinished(faxID: id, pages: 1)
            guard case .proceed(1, _) = try await f.scheduler.beginAttempt(faxID: id, worker: "dead") else { Issue.record("begin"); return }
            // the worker died: its work item comes back to another worker
            guard case .proceed(2, _) = try await f.scheduler.beginAttempt(faxID: id, worker: "alive") else { Issue.record("retry"); return }
            let first = try await test.database.query("SELECT result_code, ended_at FROM fax_attempts WHERE fax_id = ? AND n = 1", id)[0]
            #expect(try first.get("result_code", as: String.self) == "general_error")
            #expect(try first.optional("ended_at", as: Date.self) != nil)
            // a late report from the dead worker changes nothing
            #expect(try await f.scheduler.reportAttempt(faxID: id, attempt: 1, report: AttemptReport(result: .ok, pagesSent: 1)) == .sending)
            #expect(try await f.scheduler.reportAttempt(faxID: id, attempt: 2, report: AttemptReport(result: .ok, pagesSent: 1)) == .delivered)
        }
    }

    @Test func cancelWorksQueuedAndMidCallButNotAcrossTenants() async throws {
        try await TestDatabase.with { test in
            let f = try await Fixture.make(test)
            let ids = try await f.submit(["2065550100", "2065550101", "2065550102"])
            #expect(try await f.scheduler.cancel(faxID: ids[0], scope: f.tree.company.scope) == .cancelled)
            try await f.scheduler.renderingFinished(faxID: ids[1], pages: 1)
            guard case .proceed = try await f.scheduler.beginAttempt(faxID: ids[1], worker: "w") else { Issue.record("begin"); return }
            #expect(try await f.scheduler.cancel(faxID: ids[1], scope: f.tree.company.scope) == .sending)
            #expect(try await f.scheduler.isCancelRequested(faxID: ids[1]))
            #expect(try await f.scheduler.reportAttempt(faxID: ids[1], attempt: 1, report: AttemptReport(result: .cancelled)) == .cancelled)
            await #expect(throws: AccountError.notFound) { try await f.scheduler.cancel(faxID: ids[2], scope: f.tree.otherCompany.scope) }
            await #expect(throws: AccountError.notFound) { try await f.scheduler.cancel(faxID: ids[2], scope: f.tree.deptB.scope) }
            #expect(try await f.state(ids[2]).0 == .submitted)
            // an invalid number reported by the carrier is never retried
            try await f.scheduler.renderingFinished(faxID: ids[2], pages: 1)
            guard case .proceed = try await f.scheduler.beginAttempt(faxID: ids[2], worker: "w") else { Issue.record("begin"); return }
            #expect(try await f.scheduler.reportAttempt(faxID: ids[2], attempt: 1, report: AttemptReport(result: .invalidNumber, sipStatus: 404)) == .failed)
        }
    }
}
