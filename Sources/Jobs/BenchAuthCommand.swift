import ArgumentParser
import Foundation
import PagewireCore

extension JobsCommand {
    /// `scripts/bench auth`, setup: a fresh database with one company, a user, and an API app
    /// acting as that user (FaxWS); prints `CLIENT <client id> <client secret>`.
    struct BenchAuthSetup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "bench-auth-setup", shouldDisplay: false)
        @OptionGroup var options: CommonOptions

        func run() async throws {
            try await BenchSetup.run(configFile: options.config) { bench in
                let company = try await bench.accounts.create(kind: .company, name: "Company", parentID: bench.platform.id, scope: bench.platform.scope)
                let user = try await bench.users.create(accountID: company.id, email: "bench@company.test", password: "bench-pw", scope: bench.platform.scope)
                let apps = APIAppRepository(database: bench.database)
                let app = try await apps.create(APIAppDraft(name: "bench", actingUser: user.email, resources: [.faxWS]), scope: company.scope, createdBy: nil)
                let secret = try await apps.addSecret(appID: app.id, lifetimeSeconds: 86400, scope: company.scope, actor: nil)
                return "CLIENT \(app.clientID) \(secret.secret)"
            }
        }
    }
}
