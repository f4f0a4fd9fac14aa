import ArgumentParser
import Foundation
import PagewireCore

extension JobsCommand {
    /// `pagewire-jobs create-api-token --login … --name …`: prints a personal API token once.
    struct CreateAPIToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-api-token", abstract: "Create a personal API token for a user (printed once).")
        @OptionGroup var options: CommonOptions
        @Option(help: "Username or e-mail address of the user the token acts as.") var login: String
        @Option(help: "What the token is for (shown in listings).") var name: String
        @Option(help: "Days until the token expires (default: never).") var expiresInDays: Int?

        func run() async throws {
            let env = ProcessEnvironment.start(component: "bootstrap", configFile: options.config)
            let database = Database(url: env.configuration.databaseURL, maxConnections: 2, logger: env.logger)
            
            guard let platform = try await AccountRepository(database: database).platform() else {
                throw ValidationError("there is no platform yet: run pagewire-jobs create-operator first")
            }
            guard let user = try await UserRepository(database: database).find(login: login, scope: platform.scope) else {
                throw ValidationError("no user has the username or e-mail \(login)")
            }
            let expiry = expiresInDays.map { Date().addingTimeInterval(Double($0) * 86_400) }
            let issued = try await APITokenRepository(database: database).create(
                userID: user.id, name: name, expiresAt: expiry, scope: platform.scope)
            print("API token \(issued.token.id) for \(user.username) — shown once, keep it safe:")
            print(issued.secret)
            await database.shutdown()
        }
    }

    /// `pagewire-jobs revoke-api-token --id …`.
    struct RevokeAPIToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke-api-token", abstract: "Revoke a personal API token by id.")
        @OptionGroup var options: CommonOptions
        @Option(help: "The token id printed when it was created.") var id: Int64

        func run() async throws {
            let env = ProcessEnvironment.start(component: "bootstrap", configFile: options.config)
            let database = Database(url: env.configuration.databaseURL, maxConnections: 2, logger: env.logger)
            guard let platform = try await AccountRepository(database: database).platform() else {
                throw ValidationError("there is no platform yet")
            }
            try await APITokenRepository(database: database).revoke(id: id, scope: platform.scope)
            await database.shutdown()
            print("API token \(id) revoked")
        }
    }
}
