import Foundation
import PagewireCore
import SMTPGateway
import Testing

@Suite("SPF for companies that require it")
struct SPFTests {
    /// The DNS answers the tests give libspf2.
    static let zone = [
        "clinic.example": "v=spf1 ip4:192.0.2.7 -all",
        "soft.example": "v=spf1 ~all",
    ]

    @Test func libspf2JudgesTheConnectingAddress() async {
        let spf = LibSPF2Verifier(zone: Self.zone)
        #expect(await spf.check(ip: "192.0.2.7", mailFrom: "roe@clinic.example", helo: "mx.clinic.example") == .pass)
        #expect(await spf.check(ip: "198.51.100.9", mailFrom: "roe@clinic.example", helo: "mx.clinic.example") == .fail)
        #expect(await spf.check(ip: "198.51.100.9", mailFrom: "x@soft.example", helo: "h.example") == .softfail)
        #expect(await spf.check(ip: "198.51.100.9", mailFrom: "x@nothing.example", helo: "h.example") == .none)
    }

    @Test func theMTAsForwardedClientMustPassSPF() async throws {
        try await MailFixture.with(spf: LibSPF2Verifier(zone: Self.zone)) { f in
            // setup: the company requires SPF
            try await SettingsRepository(database: f.database).set(Settings.requireSPF, to: true, atAccount: f.company.id, scope: f.company.scope)
            let message = "From: \(MailFixture.senderAddress)\r\nSubject: spf\r\n\r\nplease fax\r\n.\r\n"
            func transaction(_ forward: String) -> [String] {
                ["EHLO relay.test\r\n", forward, "MAIL FROM:<\(MailFixture.senderAddress)>\r\n", "RCPT TO:<2065550100@\(MailFixture.domain)>\r\n", "DATA\r\n",
                 "<expect:354>", message]
            }
            // act: the MTA in front says the message came from 192.0.2.7, then from an address SPF refuses
            let passing = try await f.raw(transaction("XFORWARD ADDR=192.0.2.7 HELO=mx.clinic.example NAME=[UNAVAILABLE]\r\n"))
            let failing = try await f.raw(transaction("XFORWARD ADDR=198.51.100.9 HELO=mx.evil.example\r\n"))
            #expect(passing.replies.contains { $0.hasPrefix("250-XFORWARD") } && passing.replies.contains { $0.hasPrefix("250 2.0.0 queued") }, "\(passing.replies)")
            #expect(failing.replies.contains { $0.hasPrefix("250 2.0.0 queued") }, "\(failing.replies)")
            #expect(try await f.processQueuedMail() == 2)
            // check
            let m = try await f.messages()
            #expect(m.map(\.resultCode) == ["ok", "unauthorized_sender"])
            #expect(m.last?.detail?.contains("SPF result for 198.51.100.9") == true && m.last?.detail?.contains("fail") == true)
            let ips = try await f.database.query("SELECT client_ip FROM mail_messages ORDER BY id").map { try $0.get("client_ip", as: String.self) }
            #expect(ips == ["192.0.2.7", "198.51.100.9"])
        }
    }
}
