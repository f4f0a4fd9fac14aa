import Foundation
import PagewireCore
import SMTPGateway
import Testing

@Suite("SMTP STARTTLS")
struct SMTPStartTLSTests {
    @Test func aMessageSentAfterSTARTTLSIsFaxedAndPlainTextBehindSTARTTLSIsIgnored() async throws {
        // setup
        let pair = try await MailFixture.selfSignedCertificate()
        defer { try? FileManager.default.removeItem(atPath: (pair.certificate as NSString).deletingLastPathComponent) }
        let configuration = SMTPServerConfiguration(host: "127.0.0.1", port: 0, hostname: "gw.test", tls: (pair.certificate, pair.key))
        try await MailFixture.with(smtp: configuration) { f in
            // act
            let sent = try await f.sendOverTLS(from: MailFixture.senderAddress, to: ["2065550100@\(MailFixture.domain)"], scenario: "pdf", certificate: pair.certificate)
            // check: offered before, not offered again after, and the message arrived through TLS
            #expect(sent.ok, "\(sent)")
            #expect(sent.esmtp?.contains("starttls") == true && sent.esmtp_after_tls?.contains("starttls") == false)
            #expect(sent.tls?.hasPrefix("TLSv1.") == true)
            #expect(try await f.processQueuedMail() == 1)
            #expect(try await f.lastMessage().resultCode == "ok")

            // act: commands pipelined in plain text behind STARTTLS (the CVE-2011-0411 injection)
            let injected = try await f.raw(["EHLO c.example\r\n", "STARTTLS\r\nMAIL FROM:<evil@attacker.example>\r\nRCPT TO:<2065550100@\(MailFixture.domain)>\r\n"])
            // check: STARTTLS is answered, the injected commands are not
            #expect(injected.replies.contains("220 2.0.0 ready to start TLS"), "\(injected.replies)")
            #expect(!injected.replies.contains { $0.hasPrefix("250 2.1.0") || $0.hasPrefix("503") || $0.hasPrefix("221") })

            // act: STARTTLS with an argument, or twice in a row, is refused in plain text
            let wrong = try await f.raw(["EHLO c.example\r\n", "STARTTLS now\r\n", "NOOP\r\n"])
            #expect(wrong.codes().suffix(3) == [501, 250, 221], "\(wrong.replies)")
        }
    }

    @Test func withoutACertificateSTARTTLSIsNotOffered() async throws {
        try await MailFixture.with { f in
            let r = try await f.raw(["EHLO c.example\r\n", "STARTTLS\r\n", "NOOP\r\n"])
            #expect(!r.replies.contains { $0.contains("STARTTLS") && $0.hasPrefix("250") })
            #expect(r.codes().suffix(3) == [502, 250, 221], "\(r.replies)")
        }
    }
}
