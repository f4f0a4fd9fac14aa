import ArgumentParser
import PagewireCore

extension JobsCommand {
    /// A staff member lost their authenticator: remove it, so they enrol a new one at their next sign-in.
    struct ResetSecondFactor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-second-factor",
            abstract: "Remove a user's TOTP authenticator; they set up a new one at their next sign-in.")
        @OptionGroup var options: CommonOptions
        @Option(help: "Username or e-mail address.") var login: String

        func run() async throws {
            let env = ProcessEnvironment.start(component: "bootstrap", configFile: options.config)
            let database = Database(url: env.configuration.databaseURL, maxConnections: 2, logger: env.logger)
            guard let platform = try await AccountRepository(database: database).platform() else {
                throw ValidationError("there is no platform yet: run pagewire-jobs create-operator first")
            }
            guard let user = try await UserRepository(database: database).find(login: login, scope: platform.scope) else {
                throw ValidationError("no user has the username or e-mail \(login)")
            }
            try await SecondFactor.reset(userID: user.id, database: database)
            // Sessions waiting for the old authenticator's code end too.
            try await SessionRepository(database: database).deleteAll(userID: user.id)
            try await AuditLog(database: database).record(
                accountID: user.accountID, actor: .system("reset-second-factor"), action: .settingsChange,
                targetType: "user", targetID: "\(user.id)", detail: "TOTP authenticator removed")
            print("authenticator of \(user.username) removed: a new one is set up at the next sign-in")
        }
    }
}
