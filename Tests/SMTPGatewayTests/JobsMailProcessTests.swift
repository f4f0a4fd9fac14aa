import Foundation
import PagewireCore
import SMTPGateway
import Testing

@Suite("pagewire-jobs with e-mail to fax")
struct JobsMailProcessTests {
    @Test func aMessageAcceptedBeforeACrashIsStillFaxedAndTheJobsListenerTakesMail() async throws {
        try await MailFixture.with { f in
            // setup: a message got its 250, then the listener that took it died before processing it
            let to = ["2065550100@\(MailFixture.domain)"]
            #expect(try await f.send(from: MailFixture.senderAddress, to: to, scenario: "pdf").ok)
            #expect(try await f.lastMessage().state == "received")
            // act: a pagewire-jobs process starts; its own SMTP listener takes a free port and logs it
            let processes = try PagewireProcesses(f.test, transitKeyFile: f.transitKeyFile)
            defer { processes.stop() }
            let jobs = try await processes.startJobs(environment: ["PAGEWIRE_SMTP_HOSTNAME": "jobs.test"])
            #expect(jobs.port > 0)
            let second = try await f.send(from: MailFixture.scannerAddress, to: to, scenario: "pdf", port: jobs.port)
            #expect(second.ok, "\(second)")
            // check: its worker processes both (polling the rows the process writes)
            var messages: [MailFixture.Message] = []
            for _ in 0..<300 {
                messages = try await f.messages()
                if messages.count == 2 && messages.allSatisfy({ $0.state != "received" }) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(messages.map(\.resultCode) == ["ok", "ok"], "\(messages.map(\.detail))")
            #expect(messages.map(\.faxIDs.count) == [1, 1])
            // each got an answer queued (the process's own mail.notice handler takes it from there)
            #expect(messages.map(\.notice) == ["queued", "queued"])
            // check: it stops cleanly on SIGTERM, the listener included
            kill(jobs.processIdentifier, SIGTERM)
            #expect(jobs.wait() == 0)
        }
    }
}
