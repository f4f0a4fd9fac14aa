import Foundation
import PagewireCore
import Testing

/// E-mail to fax with Pagewire's own processes on loopback: a message sent with swaks to the
/// SMTP listener of `pagewire-jobs` becomes a fax, is rendered, dialled by
/// `pagewire-telephony serve` through a trunk toward `pagewire-telephony simulate`, and the
/// sender gets both answers (accepted with the fax id, then delivered) at a real SMTP server.
@Suite("E-mail to fax through jobs, telephony and the carrier simulator")
struct EmailToFaxEndToEndTests {
    @Test func anEmailedFaxIsDeliveredAndTheSenderHearsBothTimes() async throws {
        try await TestDatabase.with { test in
            // setup: a company with a vault, a fax domain and a sender; a notice relay; a trunk to the simulator
            let processes = try PagewireProcesses(test)
            defer { processes.stop() }
            let vault = Vault(database: test.database, transit: processes.transit, kdfParameters: .testing)
            let accounts = AccountRepository(database: test.database)
            let platform = try await accounts.create(platformName: "Pagewire")
            let reseller = try await accounts.create(kind: .reseller, name: "FaxResell", parentID: platform.id, scope: platform.scope)
            let company = try await accounts.create(kind: .company, name: "Clinic", parentID: reseller.id, scope: platform.scope)
            let users = UserRepository(database: test.database, passwordParameters: .testing)
            let admin = try await users.create(accountID: company.id, email: "admin@clinic.example", password: "admin-pw-1234", scope: company.scope)
            try await vault.keyring.enroll(userID: admin.id, password: "admin-pw-1234")
            _ = try await vault.keyring.createVault(companyID: company.id, firstAdminUserID: admin.id, actor: .system("test"))
            try await FaxDomainRepository(database: test.database).add("fax.clinic.example", companyID: company.id, scope: company.scope)
            _ = try await users.create(accountID: company.id, email: "roe@clinic.example", displayName: "Dr. Jane Roe", password: nil, scope: company.scope)
            let sink = try SMTPSink()
            defer { sink.stop() }
            // Media ports below the kernel's ephemeral range, a slice no other suite uses.
            let simulator = try await processes.startSimulator(rtpPorts: 31800...31999)
            _ = try await TrunkRepository(database: test.database).create(Trunk(name: "e2e-mail-simulator", host: "127.0.0.1", port: simulator.port))
            _ = try await processes.startTelephony(rtpPorts: 31600...31799)
            let jobs = try await processes.startJobs(environment: [
                "PAGEWIRE_SMTP_HOSTNAME": "jobs.test",
                "PAGEWIRE_MAIL_SMTP_URL": "smtp://127.0.0.1:\(sink.port)", "PAGEWIRE_MAIL_FROM": "fax@faxresell.test",
            ])

            // act: the sender e-mails a letter to a fax machine on the simulator (+1 206 555 0100)
            let letter = processes.directory + "/letter.txt"
            try "Referral for Mr. Smith.\nLab results attached.\n".write(toFile: letter, atomically: true, encoding: .utf8)
            let swaks = try await Self.run("/usr/bin/swaks", [
                "--server", "127.0.0.1", "--port", String(jobs.port), "--from", "roe@clinic.example", "--to", "2065550100@fax.clinic.example",
                "--header", "Subject: Referral", "--header", "Message-Id: <referral-1@mua.test>", "--body", "Please see the letter.",
                "--attach-type", "text/plain", "--attach-name", "letter.txt", "--attach", "@" + letter,
            ])
            #expect(swaks.contains("250 2.0.0 queued as"), "\(swaks)")
            var state = "", mails: [[String: Any]] = []
            for _ in 0..<900 {
                state = try await test.database.query("SELECT state FROM faxes ORDER BY id LIMIT 1").first?.get("state") ?? ""
                mails = sink.messages
                if state == "delivered" && mails.count >= 2 { break }
                try await Task.sleep(for: .milliseconds(200))
            }

            // check: one fax, delivered through the simulator trunk, page count as rendered
            if state != "delivered" || mails.count < 2 { Issue.record("state \(state), \(mails.count) mail(s)\n\(processes.log.tail(40))") }
            let fax = try #require(try await test.database.query("SELECT id, state, remote_number, pages, pages_sent FROM faxes").first)
            let faxID: Int64 = try fax.get("id")
            #expect(try fax.get("state", as: String.self) == "delivered")
            #expect(try fax.get("remote_number", as: String.self) == "+12065550100")
            #expect(try fax.get("pages_sent", as: Int.self) == fax.get("pages", as: Int.self))
            let attempt = try #require(try await test.database.query("SELECT result_code, trunk FROM fax_attempts WHERE fax_id = ? ORDER BY n DESC", faxID).first)
            #expect(try attempt.get("result_code", as: String.self) == "ok")
            #expect(try attempt.get("trunk", as: String.self) == "e2e-mail-simulator")
            let message = try #require(try await test.database.query("SELECT state, result_code, notice FROM mail_messages").first)
            #expect(try message.get("state", as: String.self) == "accepted" && message.get("notice", as: String.self) == "queued")
            // check: the sender got the gateway's answer (threaded under their message) and the delivery notice
            #expect(mails.count == 2)
            #expect(mails.allSatisfy { ($0["rcpt_tos"] as? [String]) == ["roe@clinic.example"] })
            let texts = mails.map { $0["data"] as? String ?? "" }
            let answer = try #require(texts.first { $0.contains("In-Reply-To: <referral-1@mua.test>") }, "\(texts)")
            #expect(answer.contains("Subject: Fax accepted: Referral") && answer.contains("To +1 (206) 555-0100: fax id \(faxID)"))
            let delivered = try #require(texts.first { $0.contains("Subject: Fax to +1 (206) 555-0100 delivered") }, "\(texts)")
            #expect(delivered.contains("Fax ID: \(faxID)"))
            for text in texts { #expect(text.contains("Auto-Submitted: auto-generated")) }
            // nothing is left to do or dead in the queue for this fax's mail
            let open = try await test.database.query(
                "SELECT COUNT(*) AS n FROM work WHERE kind IN ('mail.intake', 'mail.notice', 'notify.fax')")[0].get("n", as: Int.self)
            #expect(open == 0)
        }
    }

    /// Runs a client to completion off the cooperative pool (it talks to processes we started).
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: executable)
                    process.arguments = arguments
                    let pipe = Pipe()
                    process.standardOutput = pipe
                    process.standardError = pipe
                    try process.run()
                    let out = pipe.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    return String(decoding: out, as: UTF8.self)
                })
            }
        }
    }
}
