import ArgumentParser
import Foundation
import PagewireCore

extension WebCommand {
    /// `scripts/bench web`: a fresh database with one company whose user has `faxes` outbound
    /// faxes, and a signed-in session for that user. Prints `cookie <name>=<token>`.
    struct BenchSeed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "bench-seed", shouldDisplay: false)
        @Option(help: "Configuration file (default: config/pagewire.toml).") var config: String?
        @Option var faxes = 1_000_000

        func run() async throws {
            let env = ProcessEnvironment.start(component: "bench", configFile: config)
            let database = try await env.recreatedDatabase(maxConnections: 4)
            let accounts = AccountRepository(database: database)
            let platform = try await accounts.create(platformName: "Pagewire")
            let company = try await accounts.create(kind: .company, name: "Bench Clinic", parentID: platform.id, scope: platform.scope)
            let user = try await UserRepository(database: database, passwordParameters: .testing).create(
                accountID: company.id, email: "bench@bench.example", password: PasswordGenerator.generate(), scope: platform.scope)
            let states = ["delivered", "delivered", "delivered", "failed", "partially_delivered", "cancelled"]
            let start = Date().addingTimeInterval(-Double(faxes) * 30)
            let batch = 1000
            let columns = "(direction, account_id, company_id, user_id, state, result_code, remote_number, pages, pages_sent, attempts, max_attempts, retry_interval_seconds, created_at, updated_at, completed_at)"
            let row = "('outbound', ?, ?, ?, ?, ?, ?, ?, ?, 1, 4, 300, ?, ?, ?)"
            let sql = "INSERT INTO faxes \(columns) VALUES " + Array(repeating: row, count: batch).joined(separator: ", ")
            var inserted = 0
            while inserted < faxes {
                let first = inserted
                try await database.transaction { c in
                    var binds: [any SQLEncodable] = []
                    binds.reserveCapacity(batch * 12)
                    for i in first..<(first + batch) {
                        let at = start.addingTimeInterval(Double(i) * 30)
                        let state = states[i % states.count]
                        binds += [company.id, company.id, user.id, state, state == "failed" ? "busy" : "ok",
                                  "+1206555\(String(format: "%04d", i % 10_000))", 1 + i % 5, 1 + i % 5, at, at, at] as [any SQLEncodable]
                    }
                    try c.execute(sql, binds)
                }
                inserted += batch
            }
            let (token, _) = try await SessionRepository(database: database).create(
                userID: user.id, idleTimeoutSeconds: 86_400, remoteAddress: nil, userAgent: "bench")
            print("seeded \(inserted) faxes")
            print("cookie \(SessionMiddleware.cookieName)=\(token)")
            await database.shutdown()
        }
    }
}
