import Foundation
import PagewireCore
import SMTPGateway
import Testing

@Suite("SMTP listener under hostile and careless clients")
struct SMTPHostileInputTests {
    static let rcpt = "RCPT TO:<2065550100@\(MailFixture.domain)>\r\n"
    static let small = SMTPServerConfiguration(host: "127.0.0.1", port: 0, hostname: "gw.test", maxMessageBytes: 64 << 10)

    @Test func oversizeMessagesGet552AtMailOrAtTheEndOfData() async throws {
        try await MailFixture.with(smtp: Self.small) { f in
            // act: smtplib announces SIZE
            let announced = try await f.send(from: MailFixture.senderAddress, to: ["2065550100@\(MailFixture.domain)"], scenario: "big:200000")
            // check
            #expect(announced.error == "SMTPSenderRefused" && announced.code == 552, "\(announced)")
            // act: a client that does not announce the size
            let line = String(repeating: "A", count: 100) + "\r\n"
            let r = try await f.raw([
                "EHLO c.example\r\n", "MAIL FROM:<\(MailFixture.senderAddress)>\r\n", Self.rcpt, "DATA\r\n",
                "Subject: big\r\n\r\n" + String(repeating: line, count: 1000) + ".\r\n", "NOOP\r\n",
            ])
            // check
            #expect(r.replies.contains { $0.hasPrefix("552 5.3.4") }, "\(r.replies)")
            #expect(r.codes().suffix(2) == [250, 221])
            #expect(try await f.messages().isEmpty)
        }
    }

    @Test func garbageLongLinesAndBadOrderGetClearRepliesAndTheListenerStaysUp() async throws {
        try await MailFixture.with { f in
            // act
            let r = try await f.raw([
                "\u{01}\u{02}garbage\r\n", "GET / HTTP/1.1\r\n", String(repeating: "X", count: 5000) + "\r\n",
                "MAIL FROM:<a@b.example>\r\n", "EHLO c.example\r\n", "RCPT TO:<2065550100@\(MailFixture.domain)>\r\n",
                "MAIL FROM:<a@b.example> SIZE=abc\r\n", "MAIL FROM:<a@b.example> FOO=1\r\n", "DATA\r\n", "NOOP\r\n",
            ])
            // check
            #expect(r.codes() == [220, 500, 500, 500, 503, 250, 250, 250, 250, 250, 250, 503, 501, 555, 503, 250, 221], "\(r.replies)")
            #expect(r.replies.contains("500 5.5.2 line too long"))
            // act: a client that never speaks SMTP is cut off after ten errors
            let spam = try await f.raw(Array(repeating: "HELLO?\r\n", count: 12))
            #expect(spam.closed && spam.replies.last?.hasPrefix("421") == true, "\(spam.replies)")
            // check: still serving
            #expect(try await f.send(from: MailFixture.senderAddress, to: ["2065550100@\(MailFixture.domain)"], scenario: "pdf").ok)
        }
    }

    @Test func pipeliningDotUnstuffingAndALongTextLine() async throws {
        try await MailFixture.with { f in
            // act: the whole transaction in one write, as a PIPELINING client may
            let body = "From: \(MailFixture.senderAddress)\r\nSubject: dots\r\n\r\n..leading dot\r\n.\r\n"
            let r = try await f.raw([
                "EHLO c.example\r\nMAIL FROM:<\(MailFixture.senderAddress)>\r\n\(Self.rcpt)RCPT TO:<1@\(MailFixture.domain)>\r\nDATA\r\n",
                body, "MAIL FROM:<\(MailFixture.senderAddress)>\r\n\(Self.rcpt)DATA\r\nSubject: long\r\n\r\n\(String(repeating: "L", count: 1500))\r\n.\r\nQUIT\r\n",
            ])
            // check: replies in command order
            #expect(r.codes().first == 220)
            #expect(r.replies.contains { $0.hasPrefix("550 5.1.1") })
            #expect(r.replies.contains { $0.hasPrefix("354") })
            #expect(r.replies.contains { $0.hasPrefix("250 2.0.0 queued as") })
            #expect(r.replies.contains { $0.hasPrefix("500 5.5.2 a line of the message exceeds") })
            #expect(r.codes().last == 221 && r.closed)
            // check: the dot-stuffed line was stored unstuffed; only the first message was stored
            let messages = try await f.messages()
            #expect(messages.count == 1)
            let first = try #require(messages.first)
            let row = try #require(try await f.database.query("SELECT document_id FROM mail_messages WHERE id = ?", first.id).first)
            let raw = try await f.vault.documents.read(try row.get("document_id"), companyID: f.company.id, reader: .system(purpose: "test"))
            #expect(String(decoding: raw, as: UTF8.self).hasSuffix("\r\n\r\n.leading dot\r\n"))
        }
    }

    @Test func anEarlyDisconnectStoresNothingAndLosesNothing() async throws {
        try await MailFixture.with { f in
            // act: the client vanishes in the middle of DATA (no 250 was given, so its MTA retries)
            let r = try await f.raw([
                "EHLO c.example\r\n", "MAIL FROM:<\(MailFixture.senderAddress)>\r\n", Self.rcpt, "DATA\r\n", "<expect:354>",
                "Subject: half\r\n\r\npart of a mess", "<close>",
            ])
            #expect(r.replies.contains { $0.hasPrefix("354") })
            // check
            #expect(try await f.messages().isEmpty)
            #expect(try await f.send(from: MailFixture.senderAddress, to: ["2065550100@\(MailFixture.domain)"], scenario: "pdf").ok)
            #expect(try await f.messages().count == 1)
        }
    }

    @Test func silentClientsTimeOut() async throws {
        try await MailFixture.with(smtp: SMTPServerConfiguration(host: "127.0.0.1", port: 0, hostname: "gw.test", readTimeout: 1)) { f in
            // act: connect and say nothing
            let silent = try await f.raw(["<wait>"])
            // check
            #expect(silent.replies.contains { $0.hasPrefix("421 4.4.2") } && silent.closed, "\(silent.replies)")
        }
    }

    @Test func busySendersAreRateLimited() async throws {
        let limited = SMTPServerConfiguration(
            host: "127.0.0.1", port: 0, hostname: "gw.test", limits: .init(connectionsPerIP: 5, messagesPerIP: 100, messagesPerSender: 2, window: 315_360_000))  // a window boundary far from the run
        try await MailFixture.with(smtp: limited) { f in
            // act: a third message from the same sender within the window
            let to = ["2065550100@\(MailFixture.domain)"]
            #expect(try await f.send(from: MailFixture.senderAddress, to: to, scenario: "pdf").ok)
            #expect(try await f.send(from: MailFixture.senderAddress, to: to, scenario: "pdf").ok)
            let third = try await f.send(from: MailFixture.senderAddress, to: to, scenario: "pdf")
            // check: 450, a temporary refusal the MTA retries later
            #expect(third.error == "SMTPSenderRefused" && third.code == 450, "\(third)")
            #expect(try await f.send(from: MailFixture.scannerAddress, to: to, scenario: "pdf").ok)
        }
    }

    @Test func tooManyConnectionsFromOneAddressGet421() async throws {
        let limited = SMTPServerConfiguration(host: "127.0.0.1", port: 0, hostname: "gw.test", limits: .init(connectionsPerIP: 2))
        try await MailFixture.with(smtp: limited) { f in
            // act: three connections open at once from 127.0.0.1
            let greetings = try await f.connections(3)
            // check
            #expect(greetings.map { $0.prefix(3) } == ["220", "220", "421"], "\(greetings)")
            #expect(greetings[2].contains("too many connections"))
            // check: once they closed (the listener notices asynchronously), a new client is served
            var served = false
            for _ in 0..<50 where !served {
                served = try await f.send(from: MailFixture.senderAddress, to: ["2065550100@\(MailFixture.domain)"], scenario: "pdf").ok
                if !served { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(served)
        }
    }
}
