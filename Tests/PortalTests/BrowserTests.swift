import Foundation
import PagewireCore
import Testing

/// The portal in a real browser: headless Chromium driven by Selenium (Python, in the venv
/// that scripts/test prepares) against `pagewire-web serve`, with `pagewire-jobs`,
/// `pagewire-telephony serve` and the carrier simulator (`pagewire-telephony simulate`) wired by a
/// trunk, so a fax sent in the browser is rendered, dialled and delivered for real. Screenshots
/// of the main pages are left in var/screenshots for review.
@Suite("Portal in a browser")
struct BrowserTests {
    /// Pages of a PDF as poppler's `pdfinfo` counts them (an independent reader).
    static func pdfPages(_ path: String) throws -> Int? {
        Poppler.pages(inInfo: try Poppler.run("pdfinfo", atPath: path).output)
    }

    @Test func aUserSignsInImportsContactsSendsAFaxWatchesItDeliveredDownloadsItAndSignsOut() async throws {
        try await TestDatabase.with { test in
            // setup: a company with a vault and one user
            // fails at once when the tests were not started by scripts/test (no browser venv)
            _ = try BrowserWalkthrough.python()
            let accounts = AccountRepository(database: test.database)
            let users = UserRepository(database: test.database, passwordParameters: .testing)
            let platform = try await accounts.create(platformName: "Pagewire")
            let company = try await accounts.create(kind: .company, name: "Browser Clinic", parentID: platform.id, scope: platform.scope)
            let password = "Browser-Test-42x"
            let user = try await users.create(accountID: company.id, email: "carol@browser.example", displayName: "Carol", password: password, scope: platform.scope)
            let keyring = CompanyKeyring(database: test.database, kdfParameters: .testing)
            try await keyring.enroll(userID: user.id, password: password)
            _ = try await keyring.createVault(companyID: company.id, firstAdminUserID: user.id, actor: .system("test"))
            let processes = try PagewireProcesses(test)
            defer { processes.stop() }
            let directory = processes.directory
            let csv = "first_name,last_name,fax\nAda,Lovelace,+12065550101\nBad,Number,123\n,,+12065550102\nAlan,Turing,+441632960123\n"
            try csv.write(toFile: directory + "/contacts.csv", atomically: true, encoding: .utf8)
            try Data(TestPDF.make(pages: 2)).write(to: URL(fileURLWithPath: directory + "/letter.pdf"))
            try Data(TestPDF.make(pages: 2)).write(to: URL(fileURLWithPath: directory + "/price-list.pdf"))
            // the carrier simulator answers +1 206 555 0100 as a fax machine (SimulatorBehaviour.fax);
            // the trunk points at the port it logs
            let simulator = try await processes.startSimulator(rtpPorts: 47900...48099)
            _ = try await TrunkRepository(database: test.database).create(Trunk(name: "browser-simulator", host: "127.0.0.1", port: simulator.port))
            let telephony = try await processes.startTelephony(rtpPorts: 47700...47899)
            let jobs = try await processes.startJobs()
            let server = try await processes.startWeb()
            let port = server.port
            // act
            let walk = try BrowserWalkthrough.run("portal_walkthrough.py", [
                "--base", "http://localhost:\(port)", "--login", "carol@browser.example", "--password", password,
                "--csv", directory + "/contacts.csv", "--pdf", directory + "/letter.pdf", "--document", directory + "/price-list.pdf",
                "--screenshots", BrowserWalkthrough.screenshots, "--fax-number", "+12065550100",
                "--downloads", directory + "/downloads"])
            let (status, transcript) = (walk.status, walk.transcript)
            server.kill(signal: SIGTERM)
            // check
            #expect(status == 0, """
                \(transcript)
                --- jobs ---
                \(jobs.tail(20))
                --- telephony ---
                \(telephony.tail(30))
                --- simulator ---
                \(simulator.tail(30))
                """)
            #expect(transcript.contains("OK"))
            for name in ["signin", "dashboard", "contacts-import", "send", "fax-detail", "fax-delivered", "outbox", "profile", "documents", "groups", "my-numbers"] {
                #expect(FileManager.default.fileExists(atPath: BrowserWalkthrough.screenshots + "/\(name).png"), "no screenshot \(name)")
            }
            // the fax and its resend went out through the simulator trunk, both pages each time
            let faxes = try await test.database.query(
                "SELECT state, result_code, pages, pages_sent FROM faxes WHERE remote_number = '+12065550100' ORDER BY id")
            #expect(faxes.count == 2)
            for fax in faxes {
                #expect(try fax.get("state", as: String.self) == "delivered" && fax.optional("result_code", as: String.self) == "ok")
                #expect(try fax.optional("pages", as: Int.self) == 2 && fax.get("pages_sent", as: Int.self) == 2)
            }
            let trunks = try await test.database.query(
                "SELECT DISTINCT a.trunk FROM fax_attempts a JOIN faxes f ON f.id = a.fax_id WHERE f.remote_number = '+12065550100'"
            ).map { try $0.optional("trunk", as: String.self) }
            #expect(trunks == ["browser-simulator"])
            // the PDF the browser downloaded: a PDF of the fax's two pages
            let downloaded = try #require(transcript.split(separator: "\n").first { $0.hasPrefix("downloaded ") }.map { String($0.dropFirst("downloaded ".count)) })
            let bytes = try Data(contentsOf: URL(fileURLWithPath: downloaded))
            #expect(bytes.starts(with: Array("%PDF-".utf8)))
            #expect(try Self.pdfPages(downloaded) == 2)
            // The stored document went to both members of the group.
            let toGroup = try await test.database.query(
                "SELECT f.remote_number FROM faxes f JOIN fax_documents fd ON fd.fax_id = f.id AND fd.role = 'original' WHERE f.remote_number <> '+12065550100' ORDER BY f.remote_number"
            ).map { try $0.get("remote_number", as: String.self) }
            #expect(toGroup == ["+12065550101", "+441632960123"])
        }
    }
}
