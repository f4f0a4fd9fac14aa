import Foundation
import PagewireCore
import Testing

/// The inbound path with Pagewire's own processes: `simulator-trunk` wires the simulator's trunk
/// and numbers as `scripts/run` does, `pagewire-telephony serve` answers, and
/// `pagewire-telephony simulate --call` sends a test fax to the number the demo user got, and
/// `pagewire-jobs` then delivers it by e-mail to the address the company configured.
@Suite("Inbound faxes through pagewire-telephony serve and simulate --call")
struct InboundProcessesEndToEndTests {
    @Test func aTestFaxFromTheSimulatorLandsInTheUsersInboxAndIsEmailed() async throws {
        try await TestDatabase.with { test in
            // setup: a company with a vault and a user, as after the first sign-up
            let processes = try PagewireProcesses(test, environment: [
                "PAGEWIRE_SIMULATOR_SIP_HOST": "127.0.0.1",
                "PAGEWIRE_SIMULATOR_RTP_PORT_MIN": "46600", "PAGEWIRE_SIMULATOR_RTP_PORT_MAX": "46799",
            ])
            defer { processes.stop() }
            let vault = Vault(database: test.database, transit: processes.transit, kdfParameters: .testing)
            let accounts = AccountRepository(database: test.database)
            let platform = try await accounts.create(platformName: "Pagewire")
            let company = try await accounts.create(kind: .company, name: "Clinic", parentID: platform.id, scope: platform.scope)
            let user = try await UserRepository(database: test.database, passwordParameters: .testing)
                .create(accountID: company.id, email: "doc@clinic.example", password: "pw-123456789", scope: company.scope)
            try await vault.keyring.enroll(userID: user.id, password: "pw-123456789")
            _ = try await vault.keyring.createVault(companyID: company.id, firstAdminUserID: user.id, actor: .system("test"))
            // act: wire as scripts/run does, start telephony, send a test fax
            let wiring = try processes.command("pagewire-telephony", ["simulator-trunk"])
            #expect(wiring.wait() == 0)
            let numbers = try await NumberRepository(database: test.database).numbers(ofUser: user.id, scope: company.scope)
            #expect(numbers.map(\.e164) == ["+12065550200"])
            let telephony = try await processes.startTelephony(rtpPorts: 46400...46599)
            let caller = try processes.command("pagewire-telephony", ["simulate", "--call", "+12065550200", "--pages", "2", "--to", "127.0.0.1:\(telephony.port)"])
            var output: [String] = []
            while let line = try caller.readLine() { output.append(line) }
            let status = caller.wait()
            // check: the caller saw it go through; the fax waits in the user's inbox for delivery
            #expect(status == 0, "\(output.suffix(10))")
            #expect(output.contains { $0.contains("test fax to +12065550200: ok") }, "\(output.suffix(10))")
            var state = ""
            for _ in 0..<300 {
                state = try await test.database.query("SELECT state FROM faxes WHERE direction = 'inbound'").first?.get("state") ?? ""
                if state == "received" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(state == "received")
            let fax = try #require(try await test.database.query(
                "SELECT id, user_id, pages, partial, local_number FROM faxes WHERE direction = 'inbound'").first)
            #expect(try fax.optional("user_id", as: Int64.self) == user.id)
            #expect(try fax.get("pages", as: Int.self) == 2 && !(try fax.get("partial", as: Bool.self)))
            #expect(try fax.get("local_number", as: String.self) == "+12065550200")
            let deliveries: Int = try await test.database.query("SELECT COUNT(*) AS n FROM work WHERE kind = ?", InboundFaxes.deliverKind)[0].get("n")
            #expect(deliveries == 1)

            // act: pagewire-jobs runs the delivery to the company's inbound e-mail address
            try await SettingsRepository(database: test.database)
                .set(Settings.inboundEmailAddresses, to: ["frontdesk@clinic.example"], atAccount: company.id, scope: platform.scope)
            let sink = try SMTPSink()
            defer { sink.stop() }
            _ = try await processes.startJobs(environment: [
                "PAGEWIRE_MAIL_SMTP_URL": "smtp://127.0.0.1:\(sink.port)", "PAGEWIRE_MAIL_FROM": "fax@clinic.example",
            ])
            for _ in 0..<600 {
                state = try await test.database.query("SELECT state FROM faxes WHERE direction = 'inbound'").first?.get("state") ?? ""
                if state == "delivered" || state == "delivery_failed" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            // check: delivered, as one e-mail with the two pages as a PDF, and a forwarded event
            #expect(state == "delivered")
            let mail = try #require(sink.messages.first)
            #expect((mail["rcpt_tos"] as? [String]) == ["frontdesk@clinic.example"])
            let data = mail["data"] as? String ?? ""
            let pdf = try #require(MailAttachments.parse(data).first { $0.key.hasSuffix(".pdf") }?.value, "\(data.prefix(2000))")
            #expect(pdf.starts(with: Array("%PDF".utf8)) && MailAttachments.pdfPageCount(pdf) == 2)
            let forwarded: Int = try await test.database.query(
                "SELECT COUNT(*) AS n FROM fax_events WHERE type = 'forwarded' AND status = 'delivered' AND target = 'frontdesk@clinic.example'")[0].get("n")
            #expect(forwarded == 1)
        }
    }
}
