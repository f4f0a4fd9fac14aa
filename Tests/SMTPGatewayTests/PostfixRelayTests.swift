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
            let port = try Self.freeTCPPort()
            let script = (MailFixture.script as NSString).deletingLastPathComponent + "/postfix_relay.sh"
            _ = try await MailFixture.run("/bin/bash", [script, "start", directory, String(port), String(f.port), MailFixture.domain])
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

    /// A TCP port nobody holds right now (bound to port 0, read and released): a random port could
    /// fall in the kernel's ephemeral range and be taken by some client's connection.
    static func freeTCPPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
