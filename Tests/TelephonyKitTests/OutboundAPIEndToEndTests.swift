import Foundation
import Logging
import PagewireCore
import Testing

/// The REST API driving the whole outbound path with Pagewire's own processes on loopback:
/// `POST /v1/faxes` to `pagewire-web`, rendering by `pagewire-jobs`, calls by
/// `pagewire-telephony serve` toward `pagewire-telephony simulate`, progress read back with
/// `GET /v1/faxes/{id}`; and a telephony process killed with SIGKILL in the middle of a fax.
@Suite("Outbound faxes through the API, with telephony killed mid-fax")
struct OutboundAPIEndToEndTests {
    /// The lines a poppler tool (pdftotext, pdfinfo) prints for `pdf`.
    static func poppler(_ tool: String, _ pdf: Data) throws -> [String] {
        try Poppler.run(tool, [UInt8](pdf)).output.split(separator: "\n").map(String.init)
    }

    @Test func aFaxSurvivesTelephonyKilledMidCallABusyLineWaitsAnUnallocatedNumberFailsAndACancelHangsUp() async throws {
        try await TestDatabase.with { test in
            // setup: a company with a vault, a user with an API token, a trunk toward the simulator
            let processes = try PagewireProcesses(test)
            defer { processes.stop() }
            let vault = Vault(database: test.database, transit: processes.transit, kdfParameters: .testing)
            let accounts = AccountRepository(database: test.database)
            let platform = try await accounts.create(platformName: "Pagewire")
            let company = try await accounts.create(kind: .company, name: "Clinic", parentID: platform.id, scope: platform.scope)
            let user = try await UserRepository(database: test.database, passwordParameters: .testing)
                .create(accountID: company.id, email: "api@clinic.example", password: "pw-123456789", scope: company.scope)
            try await vault.keyring.enroll(userID: user.id, password: "pw-123456789")
            _ = try await vault.keyring.createVault(companyID: company.id, firstAdminUserID: user.id, actor: .system("test"))
            let token = try await APITokenRepository(database: test.database).create(userID: user.id, name: "e2e", scope: company.scope).secret
            // the simulator takes a free SIP port from the kernel and logs it; media ports from
            // this suite's slice (46400–46799, next to the other end-to-end test's 46000–46399)
            let simulator = try await processes.startSimulator(rtpPorts: 46600...46799)
            _ = try await TrunkRepository(database: test.database).create(Trunk(name: "api-e2e-simulator", host: "127.0.0.1", port: simulator.port))
            // a short send lease, so the killed process's fax comes back within seconds
            let shortLease = ["PAGEWIRE_TELEPHONY_SEND_LEASE_SECONDS": "6"]
            let telephony = try await processes.startTelephony(rtpPorts: 46400...46599, environment: shortLease)
            _ = try await processes.startJobs()
            let web = try await processes.startWeb()
            let api = APIClient(base: URL(string: "http://127.0.0.1:\(web.port)")!, token: token)
            // wait for a worker to answer
            for _ in 0..<100 where (try? await api.get("/v1/me"))?.status != 200 { try await Task.sleep(for: .milliseconds(100)) }

            // act: notes to an unallocated number, a line that never answers, and a busy line
            func submit(_ number: String, _ text: String) async throws -> Int {
                let response = try await api.send("POST", "/v1/faxes", json: """
                    {"recipients":["\(number)"],"quality":"standard",
                     "files":[{"filename":"note.txt","content_base64":"\(Data(text.utf8).base64EncodedString())"}]}
                    """)
                #expect(response.status == 202)
                return try #require((response.object["faxes"] as? [[String: Any]])?.first?["id"] as? Int)
            }
            let unallocatedID = try await submit("+1 206 555 0108", "Nobody has this number.")
            let ringingID = try await submit("+1 206 555 0109", "Nobody answers this one.")
            let busyID = try await submit("+1 206 555 0105", "Call me back.")
            // the line that rings is cancelled while its call is up: the call is hung up
            var ringing: [String: Any] = [:]
            for _ in 0..<600 where ringing["status"] as? String != "sending" {
                ringing = try await api.get("/v1/faxes/\(ringingID)").object
                try await Task.sleep(for: .milliseconds(100))
            }
            let cancel = try await api.send("POST", "/v1/faxes/\(ringingID)/cancel")
            #expect(cancel.status == 202 && cancel.object["outcome"] as? String == "cancelling")
            for _ in 0..<600 where ringing["status"] as? String != "cancelled" {
                ringing = try await api.get("/v1/faxes/\(ringingID)").object
                try await Task.sleep(for: .milliseconds(100))
            }
            // then a five-page letter to a fax machine
            let letter = (1...280).map { String(format: "%03d ", $0) + "Referral letter, line with enough words to fill the row on the page." }.joined(separator: "\n")
            let longID = try await submit("+1 206 555 0101", letter)

            // the simulator answers the letter; a few seconds into the pages, SIGKILL telephony
            let answered = try await simulator.waitFor("sim.behaviour=faxRefusingT38", seconds: 180)
            try #require(answered != nil, "the simulator never got the call:\n\(telephony.lines.suffix(30).joined(separator: "\n"))")
            try await Task.sleep(for: .seconds(12))
            let beforeKill = try await api.get("/v1/faxes/\(longID)").object
            #expect(beforeKill["status"] as? String == "sending", "the kill must land mid-fax")
            telephony.kill(signal: SIGKILL)
            // a new telephony process takes the fax over once the dead one's lease has run out
            let second = try await processes.startTelephony(rtpPorts: 46400...46599, environment: shortLease)

            var fax: [String: Any] = [:]
            var busyFax: [String: Any] = [:]
            for _ in 0..<1800 {
                fax = try await api.get("/v1/faxes/\(longID)").object
                busyFax = try await api.get("/v1/faxes/\(busyID)").object
                let status = fax["status"] as? String ?? ""
                if ["delivered", "partially_delivered", "failed", "cancelled"].contains(status), busyFax["status"] as? String == "retry_wait" { break }
                try await Task.sleep(for: .milliseconds(200))
            }

            // check: delivered in full by the second process; the interrupted attempt counts and is explained
            if fax["status"] as? String != "delivered" {
                Issue.record("""
                    fax: \(fax)
                    \((telephony.lines.suffix(15).map { "TEL1 " + $0 } + second.lines.suffix(25).map { "TEL2 " + $0 }
                       + simulator.lines.suffix(20).map { "SIM " + $0 }).filter { !$0.contains(" config ") }.joined(separator: "\n"))
                    """)
            }
            #expect(fax["status"] as? String == "delivered")
            #expect(fax["result_code"] as? String == "ok")
            let pages = try #require(fax["pages"] as? Int)
            #expect(pages >= 5)
            #expect(fax["pages_sent"] as? Int == pages)
            let attempts = (fax["attempts"] as? [[String: Any]]) ?? []
            #expect(attempts.count == 2)
            #expect(attempts.first?["result_code"] as? String == "general_error")
            #expect((attempts.first?["detail"] as? String)?.contains("interrupted") == true)
            #expect(attempts.last?["result_code"] as? String == "ok")
            #expect(attempts.last?["pages_sent"] as? Int == pages)
            #expect(attempts.last?["sip_status"] as? Int == 200)
            let events = ((fax["events"] as? [[String: Any]]) ?? []).map { "\($0["type"] ?? ""):\($0["status"] ?? "")" }
            #expect(events == ["submitted:accepted", "rendered:ok", "attempt:interrupted", "attempt:ok", "completed:delivered"])
            // the confirmation report names what the far machine said it is, from the real call
            let csid = try #require(attempts.last?["remote_csid"] as? String)
            let report = try await api.get("/v1/faxes/\(longID)/report")
            #expect(report.status == 200 && report.headers["content-type"] == "application/pdf")
            let reportText = try Self.poppler("pdftotext", report.body).joined(separator: "\n")
            for expected in ["Transmission confirmation", csid, "\(pages) of \(pages) sent", "delivered", "2 of at most 4", "First page"] {
                #expect(reportText.contains(expected), "report lacks \(expected):\n\(reportText)")
            }
            // pages 2-3 of what was rendered and sent, as PDF
            let range = try await api.get("/v1/faxes/\(longID)/pages?format=pdf&pages=2-3")
            #expect(range.status == 200 && range.headers["content-type"] == "application/pdf")
            let pageCount = try Self.poppler("pdfinfo", range.body).first { $0.hasPrefix("Pages:") }?.dropFirst(6).trimmingCharacters(in: .whitespaces)
            #expect(pageCount == "2")
            // the unallocated number failed at once and is never retried; the cancelled call ended as cancelled
            let unallocated = try await api.get("/v1/faxes/\(unallocatedID)").object
            #expect(unallocated["status"] as? String == "failed" && unallocated["result_code"] as? String == "invalid_number")
            #expect(((unallocated["attempts"] as? [[String: Any]]) ?? []).map { "\($0["result_code"] ?? "-") \($0["sip_status"] ?? "-")" } == ["invalid_number 404"])
            #expect(ringing["status"] as? String == "cancelled" && ringing["result_code"] as? String == "cancelled")
            let ringingEvents = ((ringing["events"] as? [[String: Any]]) ?? []).map { "\($0["type"] ?? ""):\($0["status"] ?? "")" }
            #expect(ringingEvents.contains("cancel:requested") && ringingEvents.last == "completed:cancelled", "\(ringingEvents)")
            #expect(((ringing["attempts"] as? [[String: Any]]) ?? []).last?["result_code"] as? String == "cancelled")
            // the busy line: busy each time it was tried (retried after at most 3 minutes), waiting for the next
            #expect(busyFax["status"] as? String == "retry_wait")
            #expect(busyFax["result_code"] as? String == "busy")
            let busyAttempts = (busyFax["attempts"] as? [[String: Any]]) ?? []
            #expect(!busyAttempts.isEmpty && busyAttempts.allSatisfy { $0["result_code"] as? String == "busy" })
            #expect(busyAttempts.first?["sip_status"] as? Int == 486)
            #expect(busyFax["next_attempt_at"] != nil)
            // nothing left behind: no fax sending, no channel held, the letter's send work done
            #expect(try await test.database.query("SELECT COUNT(*) AS n FROM faxes WHERE state = 'sending'")[0].get("n", as: Int.self) == 0)
            #expect(try await test.database.query("SELECT COUNT(*) AS n FROM trunk_channels")[0].get("n", as: Int.self) == 0)
            #expect(try await test.database.query(
                "SELECT COUNT(*) AS n FROM work WHERE kind = 'fax.send' AND payload_json = ?", "{\"fax_id\":\(longID)}")[0].get("n", as: Int.self) == 0)
        }
    }
}
