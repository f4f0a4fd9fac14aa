import ArgumentParser
import Foundation
import PagewireCore

extension JobsCommand {
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the database if needed and apply pending migrations.")
        @OptionGroup var options: CommonOptions

        func run() async throws {
            let env = ProcessEnvironment.start(component: "migrate", configFile: options.config)
            try Migrator.createDatabaseIfNeeded(env.configuration.databaseURL)
            let database = Database(url: env.configuration.databaseURL, maxConnections: 1, logger: env.logger)
            let migrator = try Migrator(directory: env.configuration.resourcesDirectory + "/Migrations", logger: env.logger)
            let applied = try await migrator.migrate(database)
            await database.shutdown()
            print(applied.isEmpty ? "database is up to date" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
        }
    }

    struct CreateOperator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the platform (if needed) and a platform operator with every right.")
        @OptionGroup var options: CommonOptions
        @Option(help: "The operator's e-mail address (also the username).") var email: String = "operator@pagewire.local"
        @Option(help: "Name of the platform account when it is created.") var platformName: String = "Pagewire"
        @Flag(help: "Do nothing when a platform operator exists already (scripts/run uses this).") var demoIfNone = false

        func run() async throws {
            let env = ProcessEnvironment.start(component: "bootstrap", configFile: options.config)
            let database = Database(url: env.configuration.databaseURL, maxConnections: 2, logger: env.logger)
            let accounts = AccountRepository(database: database)
            let users = UserRepository(database: database)
            let platform: Account
            if let existing = try await accounts.platform() {
                platform = existing
            } else {
                platform = try await accounts.create(platformName: platformName)
            }
            if demoIfNone, try await !users.list(under: platform.id, scope: platform.scope).isEmpty {
                print("a platform operator exists already; reset a password with: pagewire-jobs reset-password --login <email>")
                return
            }
            let password = PasswordGenerator.generate()
            let user = try await users.create(accountID: platform.id, email: email, displayName: "Platform operator", password: password, scope: platform.scope)
            try await users.grant(userID: user.id, accountID: platform.id, rights: AdminRight.all, scope: platform.scope)
            print("platform operator created — shown once, keep it safe:")
            print("  username: \(user.username)")
            print("  password: \(password)")
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a user a new random password (printed once).")
        @OptionGroup var options: CommonOptions
        @Option(help: "Username or e-mail address.") var login: String

        func run() async throws {
            let env = ProcessEnvironment.start(component: "bootstrap", configFile: options.config)
            let database = Database(url: env.configuration.databaseURL, maxConnections: 2, logger: env.logger)
            let accounts = AccountRepository(database: database)
            guard let platform = try await accounts.platform() else {
                throw ValidationError("there is no platform yet: run pagewire-jobs create-operator first")
            }
            let users = UserRepository(database: database)
            guard let user = try await users.find(login: login, scope: platform.scope) else {
                throw ValidationError("no user has the username or e-mail \(login)")
            }
            let password = PasswordGenerator.generate()
            try await users.setPassword(userID: user.id, password: password, scope: platform.scope)
            print("new password for \(user.username) — shown once: \(password)")
        }
    }

    /// Claims one work item, prints its id and hangs: lets a test kill a lease holder with SIGKILL.
    struct QueueProbe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(shouldDisplay: false)
        @OptionGroup var options: CommonOptions
        @Option var kind: String
        @Option var lease: Double = 60

        func run() async throws {
            let env = ProcessEnvironment.start(component: "queue-probe", configFile: options.config)
            let database = Database(url: env.configuration.databaseURL, maxConnections: 1, logger: env.logger)
            let queue = WorkQueue(database: database, owner: "probe-\(getpid())")
            guard let item = try await queue.claim(kinds: [kind], lease: lease).first else {
                print("nothing to claim")
                return
            }
            FileHandle.standardOutput.write(Data("claimed \(item.id)\n".utf8))
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
    }
}
