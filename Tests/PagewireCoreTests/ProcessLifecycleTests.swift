import Foundation
import PagewireCore
import Testing

@Suite("Processes and bootstrap commands")
struct ProcessLifecycleTests {
    @Test(arguments: ["pagewire-web", "pagewire-jobs", "pagewire-telephony"])
    func startsLogsItsMaskedConfigurationAndStopsOnSIGTERM(executable: String) async throws {
        try await TestDatabase.with { test in
            // setup
            let process = try TestProcess.start(
                executable, ["serve"],
                environment: ["PAGEWIRE_DATABASE_URL": test.url.urlString, "PAGEWIRE_LOG_LEVEL": "info", "PAGEWIRE_WEB_PORT": "0",
                              "PAGEWIRE_TELEPHONY_SIP_PORT": "0"],
                mergingStandardError: true)
            var lines: [String] = []
            while let line = try process.readLine() {
                lines.append(line)
                if line.contains("config vault.transit_key_file") { break }
            }
            // it registers itself in the database while it runs
            var registered = 0
            for _ in 0..<100 where registered == 0 {
                registered = try await test.database.query("SELECT COUNT(*) AS n FROM processes WHERE pid = ?", Int(process.processIdentifier))[0].get("n", as: Int.self)
                if registered == 0 { try await Task.sleep(for: .milliseconds(50)) }
            }
            // act
            kill(process.processIdentifier, SIGTERM)
            let status = process.wait()
            // check
            let log = lines.joined(separator: "\n")
            #expect(log.contains("config database.url = mariadb://pagewire:********@127.0.0.1"))
            #expect(!log.contains(test.url.password))
            #expect(registered == 1)
            #expect(status == 0)
            let left = try await test.database.query("SELECT COUNT(*) AS n FROM processes WHERE pid = ?", Int(process.processIdentifier))
            #expect(try left[0].get("n", as: Int.self) == 0)
        }
    }

    @Test func aMissingSettingStopsStartUpNamingTheKey() throws {
        let process = try TestProcess.start("pagewire-jobs", ["serve"], environment: ["PAGEWIRE_DATABASE_URL": "", "PAGEWIRE_WEB_PORT": "x"], mergingStandardError: true)
        var output: [String] = []
        while let line = try process.readLine() { output.append(line) }
        #expect(process.wait() == 78)
        #expect(output.joined().contains("configuration key 'database.url' is invalid"))
    }

    @Test func createOperatorThenResetPassword() async throws {
        try await TestDatabase.with { test in
            let env = ["PAGEWIRE_DATABASE_URL": test.url.urlString]
            func run(_ args: [String]) throws -> [String] {
                let p = try TestProcess.start("pagewire-jobs", args, environment: env)
                var out: [String] = []
                while let line = try p.readLine() { out.append(line) }
                #expect(p.wait() == 0)
                return out
            }
            let created = try run(["create-operator", "--email", "ops@example.com", "--demo-if-none"])
            let password = try #require(created.first { $0.contains("password:") }?.split(separator: " ").last.map(String.init))
            let users = UserRepository(database: test.database)
            #expect(try await users.authenticate(login: "ops@example.com", password: password) != nil)
            // a second --demo-if-none leaves the operator alone
            #expect(try run(["create-operator", "--demo-if-none"]).joined().contains("exists already"))
            let reset = try run(["reset-password", "--login", "ops@example.com"])
            let newPassword = try #require(reset.first?.split(separator: " ").last.map(String.init))
            #expect(try await users.authenticate(login: "ops@example.com", password: password) == nil)
            #expect(try await users.authenticate(login: "ops@example.com", password: newPassword) != nil)
            let grants = try await users.grants(of: try #require(try await users.authenticate(login: "ops@example.com", password: newPassword)).id)
            #expect(grants.first?.account.kind == .platform && grants.first?.rights == AdminRight.all)
        }
    }
}
