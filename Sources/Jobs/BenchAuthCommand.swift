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
            let env = ProcessEnvironment.start(component: "bench", configFile: options.config)
            let url = env.configuration.databaseURL
            try Migrator.recreateDatabase(url)
            let database = Database(url: url, maxConnections: 2, logger: env.logger)
            try await Migrator(directory: env.configuration.resourcesDirectory + "/Migrations", logger: env.logger).migrate(database)
            let accounts = AccountRepository(database: database)
            let users = UserRepository(database: database, passwordParameters: .testing)
            let platform = try await accounts.create(platformName: "Bench")
            let company = try await accounts.create(kind: .company, name: "Company", parentID: platform.id, scope: platform.scope)
            let user = try await users.create(accountID: company.id, email: "bench@company.test", password: "bench-pw", scope: platform.scope)
            let apps = APIAppRepository(database: database)
            let app = try await apps.create(APIAppDraft(name: "bench", actingUser: user.email, resources: [.faxWS]), scope: company.scope, createdBy: nil)
            let secret = try await apps.addSecret(appID: app.id, lifetimeSeconds: 86400, scope: company.scope, actor: nil)
            await database.shutdown()
            print("CLIENT \(app.clientID) \(secret.secret)")
        }
    }
}
