import Foundation
import PagewireCore
import SMTPGateway
import Testing

@Suite("E-mail to fax behind a real Postfix")
struct PostfixRelayTests {
    @Test func postfixRelaysAFaxAndTurnsA550IntoABounceThatNamesTheReason() async throws {
        try await MailFixture.with { f in
            // setup: Postfix on a free port, relaying the fax domain to the gateway
            let directory = NSTemporaryDirectory() + "pw-postfix-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let port = try TestPorts.freeTCPPort()
            let script = TestDatabase.repositoryRoot + "/scripts/lib/postfix_instance.sh"
            _ = try await MailFixture.run("/bin/bash", [script, "relay", directory, String(port), String(f.port), MailFixture.domain])
            defer {
                _ = try? MailFixture.runBlockingForCleanup("/bin/bash", [script, "stop", directory])
                try? FileManager.default.removeItem(atPath: directory)
            }
            // act: one good recipient and one bad, through Postfix
            let sent = try await f.send(
                from: MailFixture.senderAddress, to: ["2065550100@\(MailFixture.domain)", "555-0100@\(MailFixture.domain)"], scenario: "pdf", port: port)
            #expect(sent.ok && sent.refused.isEmpty, "\(sent)")  // Postfix accepts both and relays
            // check: the message arrives through Postfix (polling the row the gateway writes)
            var messages: [MailFixture.Message] = []
            var log = ""
            for _ in 0..<300 {
                messages = try await f.messages()
                log = (try? String(contentsOfFile: directory + "/maillog", encoding: .utf8)) ?? ""
                if !messages.isEmpty && log.contains("status=bounced") && log.contains("status=sent") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(messages.count == 1)
            #expect(try await f.processQueuedMail() == 1)
            let accepted = try await f.lastMessage()
            #expect(accepted.resultCode == "ok" && accepted.faxIDs.count == 1)
            #expect(try await f.fax(accepted.faxIDs[0]).number == "+12065550100")
            // check: the refused recipient bounced with the gateway's reason, not silently
            #expect(log.contains("status=sent") && log.contains("status=bounced"), "\(log)")
            #expect(log.contains("550 5.1.1") && log.contains("is not a fax number"), "\(log)")
        }
    }
}
