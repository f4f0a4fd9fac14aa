import Foundation
import Logging
import PagewireCore
import Testing

/// The whole outbound path with Pagewire's own processes on loopback: a submitted fax is rendered
/// by `pagewire-jobs`, claimed and dialled by `pagewire-telephony serve` through a trunk toward
/// `pagewire-telephony simulate`, and its attempt reported back to the scheduler.
@Suite("Outbound faxes through jobs, telephony and the carrier simulator")
struct OutboundProcessesEndToEndTests {
    @Test func aFaxIsDeliveredAndABusyLineIsRetriedLater() async throws {
        try await TestDatabase.with { test in
            // setup: a company with a vault, a trunk toward the simulator, the three processes
            let processes = try PagewireProcesses(test)
            defer { processes.stop() }
            let vault = Vault(database: test.database, transit: processes.transit, kdfParameters: .testing)
            let accounts = AccountRepository(database: test.database)
            let platform = try await accounts.create(platformName: "Pagewire")
            let company = try await accounts.create(kind: .company, name: "Clinic", parentID: platform.id, scope: platform.scope)
            let user = try await UserRepository(database: test.database, passwordParameters: .testing)
                .create(accountID: company.id, email: "sender@clinic.example", password: "pw-123456789", scope: company.scope)
            try await vault.keyring.enroll(userID: user.id, password: "pw-123456789")
            _ = try await vault.keyring.createVault(companyID: company.id, firstAdminUserID: user.id, actor: .system("test"))
            // the simulator takes a free port from the kernel and logs it; the trunk points there
            let simulator = try await processes.startSimulator(rtpPorts: 46200...46399)
            _ = try await TrunkRepository(database: test.database).create(Trunk(name: "e2e-simulator", host: "127.0.0.1", port: simulator.port))
            _ = try await processes.startTelephony(rtpPorts: 46000...46199)
            _ = try await processes.startJobs()
            // act: a one-page letter to a fax machine, and one to a busy line; no caller ID on
            // purpose (sent as anonymous: an empty one once made every INVITE unparsable)
            let scheduler = FaxScheduler(database: test.database)
            var ids: [Int64] = []
            for number in ["+1 206 555 0101", "+1 206 555 0105"] {
                let letter = try await vault.documents.put(
                    companyID: company.id, accountID: company.id, kind: .original, contentType: "text/plain",
                    bytes: Array("Lab results for the referral.\nPlease call us.\n".utf8))
                ids += try await scheduler.submit(
                    OutboundSubmission(recipients: [number], quality: .standard, documentIDs: [letter.id], requestHash: number),
                    userID: user.id, scope: company.scope)
            }
            var states: [String] = []
            for _ in 0..<900 {
                states = []
                for id in ids { states.append(try await test.database.query("SELECT state FROM faxes WHERE id = ?", id)[0].get("state")) }
                if states == ["delivered", "retry_wait"] { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            // check: delivered through the simulator trunk; the busy line waits for its next attempt
            let log = try await test.database.query(
                "SELECT fax_id, n, result_code, sip_status, trunk, detail FROM fax_attempts ORDER BY fax_id, n"
            ).map { r in "\(try r.get("fax_id", as: Int64.self))/\(try r.get("n", as: Int.self)): \(try r.optional("result_code", as: String.self) ?? "-") \(try r.optional("sip_status", as: Int.self) ?? 0) \(try r.optional("trunk", as: String.self) ?? "-") \(try r.optional("detail", as: String.self) ?? "")" }
            if states != ["delivered", "retry_wait"] {
                // the processes' own account of what happened, for whoever reads the failure
                Issue.record("\(processes.log.tail(40))")
            }
            #expect(states == ["delivered", "retry_wait"], "\(log)")
            let delivered = try #require(try await test.database.query(
                "SELECT result_code, trunk, sip_status, pages_sent FROM fax_attempts WHERE fax_id = ? ORDER BY n", ids[0]).last)
            #expect(try delivered.get("result_code", as: String.self) == "ok")
            #expect(try delivered.get("trunk", as: String.self) == "e2e-simulator")
            #expect(try delivered.get("pages_sent", as: Int.self) == 1)
            let busy = try #require(try await test.database.query(
                "SELECT result_code, sip_status FROM fax_attempts WHERE fax_id = ? ORDER BY n", ids[1]).first)
            #expect(try busy.get("result_code", as: String.self) == "busy")
            #expect(try busy.get("sip_status", as: Int.self) == 486)
            // the simulator kept the page it received
            let received = try FileManager.default.contentsOfDirectory(atPath: processes.simulatorSpool)
            #expect(!received.isEmpty)
        }
    }
}
