import Foundation
import PagewireCore
import Testing

/// The portal in a real browser: headless Chromium driven by Selenium (Python, in the venv
/// that scripts/test prepares) against `pagewire-web serve`. Screenshots of the main pages are
/// left in var/screenshots for review.
@Suite("Portal in a browser")
struct BrowserTests {
    @Test func aUserSignsInImportsContactsSendsAFaxAndSignsOut() async throws {
        try await TestDatabase.with { test in
            // setup: a company with a vault and one user
            let python = try #require(ProcessInfo.processInfo.environment["PAGEWIRE_TEST_BROWSER_PYTHON"],
                                      "PAGEWIRE_TEST_BROWSER_PYTHON is not set: run the tests through scripts/test")
            let accounts = AccountRepository(database: test.database)
            let users = UserRepository(database: test.database, passwordParameters: .testing)
            let platform = try await accounts.create(platformName: "Pagewire")
            let company = try await accounts.create(kind: .company, name: "Browser Clinic", parentID: platform.id, scope: platform.scope)
            let password = "Browser-Test-42x"
            let user = try await users.create(accountID: company.id, email: "carol@browser.example", displayName: "Carol", password: password, scope: platform.scope)
            let keyring = CompanyKeyring(database: test.database, kdfParameters: .testing)
            try await keyring.enroll(userID: user.id, password: password)
            _ = try await keyring.createVault(companyID: company.id, firstAdminUserID: user.id, actor: .system("test"))
            let directory = NSTemporaryDirectory() + "pw-browser-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let csv = "first_name,last_name,fax\nAda,Lovelace,+12065550101\nBad,Number,123\n,,+12065550102\nAlan,Turing,+441632960123\n"
            try csv.write(toFile: directory + "/contacts.csv", atomically: true, encoding: .utf8)
            try "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".write(toFile: directory + "/letter.pdf", atomically: true, encoding: .utf8)
            try Data(TestPDF.make(pages: 2)).write(to: URL(fileURLWithPath: directory + "/price-list.pdf"))
            let root = TestDatabase.repositoryRoot
            let server = try TestProcess.start(
                "pagewire-web", ["serve"],
                environment: ["PAGEWIRE_DATABASE_URL": test.url.urlString, "PAGEWIRE_LOG_LEVEL": "info", "PAGEWIRE_WEB_PORT": "0",
                              "PAGEWIRE_WEB_WORKERS": "1", "PAGEWIRE_PATHS_RESOURCES": root + "/Resources",
                              "PAGEWIRE_VAULT_TRANSIT_KEY_FILE": directory + "/transit.key"],
                mergingStandardError: true)
            var port = 0
            while port == 0, let line = try server.readLine() {
                if let range = line.range(of: #"serving on port (\d+)"#, options: .regularExpression) {
                    port = Int(line[range].split(separator: " ").last!)!
                }
            }
            try #require(port > 0)
            Thread { while (try? server.readLine()) != nil {} }.start()
            // act
            let browser = Process()
            browser.executableURL = URL(fileURLWithPath: python)
            browser.arguments = [root + "/Tests/PortalTests/Browser/portal_walkthrough.py",
                                 "--base", "http://localhost:\(port)", "--login", "carol@browser.example", "--password", password,
                                 "--csv", directory + "/contacts.csv", "--pdf", directory + "/letter.pdf", "--document", directory + "/price-list.pdf",
                                 "--screenshots", root + "/var/screenshots", "--fax-number", "+12065550100"]
            var environment = ProcessInfo.processInfo.environment
            environment["SE_OFFLINE"] = "true"
            browser.environment = environment
            let output = Pipe()
            browser.standardOutput = output
            browser.standardError = output
            try browser.run()
            let transcript = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            browser.waitUntilExit()
            server.kill(signal: SIGTERM)
            // check
            #expect(browser.terminationStatus == 0, "\(transcript)")
            #expect(transcript.contains("OK"))
            for name in ["signin", "dashboard", "contacts-import", "send", "fax-detail", "outbox", "profile", "documents", "groups", "my-numbers"] {
                #expect(FileManager.default.fileExists(atPath: root + "/var/screenshots/\(name).png"), "no screenshot \(name)")
            }
            let faxes: Int = try await test.database.query("SELECT COUNT(*) AS n FROM faxes WHERE remote_number = '+12065550100'")[0].get("n")
            #expect(faxes == 1)
            // The stored document went to both members of the group.
            let toGroup = try await test.database.query(
                "SELECT f.remote_number FROM faxes f JOIN fax_documents fd ON fd.fax_id = f.id AND fd.role = 'original' WHERE f.remote_number <> '+12065550100' ORDER BY f.remote_number"
            ).map { try $0.get("remote_number", as: String.self) }
            #expect(toGroup == ["+12065550101", "+441632960123"])
        }
    }
}
