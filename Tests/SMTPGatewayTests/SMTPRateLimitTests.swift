import Foundation
import Logging
import PagewireCore
import SMTPGateway
import Testing

@Suite("SMTP rate limits shared through MariaDB")
struct SMTPRateLimitTests {
    /// Windows are fixed (aligned to the epoch): one of ten years keeps its boundary out of a test
    /// run, where an hour's could fall between two messages and split the count.
    static let window: TimeInterval = 315_360_000

    @Test func twoListenersShareTheSenderLimit() async throws {
        let limited = SMTPServerConfiguration(
            host: "127.0.0.1", port: 0, hostname: "gw.test", limits: .init(connectionsPerIP: 5, messagesPerIP: 100, messagesPerSender: 2, window: Self.window))
        try await MailFixture.with(smtp: limited) { f in
            // setup: a second listener (as a second pagewire-jobs would run) on the same database
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let second = SMTPServer(configuration: limited, intake: f.intake, logger: Logger(label: "test.smtp.2")) { continuation.yield($0) }
            let running = Task { try await second.run() }
            defer { running.cancel() }
            var iterator = ports.makeAsyncIterator()
            let secondPort = try #require(await iterator.next())
            let to = ["2065550100@\(MailFixture.domain)"]
            // act: one message through each listener, then a third through the first
            let one = try await f.send(from: MailFixture.senderAddress, to: to, scenario: "pdf")
            let two = try await f.send(from: MailFixture.senderAddress, to: to, scenario: "pdf", port: secondPort)
            let three = try await f.send(from: MailFixture.senderAddress, to: to, scenario: "pdf")
            let four = try await f.send(from: MailFixture.senderAddress, to: to, scenario: "pdf", port: secondPort)
            // check: the limit of 2 holds across both; another sender is not affected
            #expect(one.ok && two.ok, "\(one) \(two)")
            #expect(three.code == 450 && three.message?.contains("too many messages from roe@clinic.example") == true, "\(three)")
            #expect(four.code == 450, "\(four)")
            #expect(try await f.send(from: MailFixture.scannerAddress, to: to, scenario: "pdf", port: secondPort).ok)
            let counted = try await RateCounter(database: f.database).count("smtp.from:" + MailFixture.senderAddress, window: Self.window)
            #expect(counted == 4)
            running.cancel()
            _ = try? await running.value
        }
    }

    @Test func behindTheMTATheForwardedClientIsLimitedNotTheMTA() async throws {
        let limited = SMTPServerConfiguration(
            host: "127.0.0.1", port: 0, hostname: "gw.test", limits: .init(connectionsPerIP: 5, messagesPerIP: 2, messagesPerSender: 0, window: Self.window))
        try await MailFixture.with(smtp: limited) { f in
            func mail(from client: String) -> [String] {
                ["EHLO relay.test\r\n", "XFORWARD ADDR=\(client) HELO=mx.test\r\n", "MAIL FROM:<\(MailFixture.senderAddress)>\r\n"]
            }
            // act: the MTA (always 127.0.0.1) relays three messages of one client and one of another
            var replies: [[String]] = []
            for client in ["192.0.2.7", "192.0.2.7", "192.0.2.7", "198.51.100.9"] {
                replies.append(try await f.raw(mail(from: client)).replies)
            }
            // check: the third from 192.0.2.7 waits (450); the other client is still served
            let mailReplies = replies.map { $0.first { $0.hasPrefix("250 2.1.0") || $0.hasPrefix("450") } ?? "none: \($0)" }
            #expect(mailReplies.map { String($0.prefix(3)) } == ["250", "250", "450", "250"], "\(mailReplies)")
            #expect(mailReplies[2].contains("too many messages from 192.0.2.7"))
        }
    }
}
