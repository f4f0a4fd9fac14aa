import ArgumentParser
import PagewireCore
import SMTPGateway
import ServiceLifecycle

@main
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pagewire-jobs",
        abstract: "Pagewire background jobs: queue workers, mail, delivery, retention; and the bootstrap commands.",
        subcommands: [Serve.self, Migrate.self, CreateOperator.self, ResetPassword.self, ResetSecondFactor.self, CreateAPIToken.self, RevokeAPIToken.self, QueueProbe.self, BenchQueue.self, BenchAPISetup.self, BenchAPIReference.self, BenchAuthSetup.self],
        defaultSubcommand: Serve.self
    )
}

/// Options every subcommand takes.
struct CommonOptions: ParsableArguments {
    @Option(help: "Configuration file (default: config/pagewire.toml).") var config: String?
}

extension JobsCommand {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the jobs services until SIGTERM or SIGINT.")
        @OptionGroup var options: CommonOptions

        func run() async throws {
            let env = ProcessEnvironment.start(component: "jobs", configFile: options.config)
            let database = Database(url: env.configuration.databaseURL, maxConnections: env.configuration.databasePoolSize, logger: env.logger)
            let registration = ProcessRegistration(database: database, role: "jobs", logger: env.logger)
            // Creates the platform transit key file (0600) on first start.
            let vault = try Vault.open(database: database, configuration: env.configuration)
            let queue = WorkQueue(database: database, owner: registration.processID)
            // Webhook secrets stored in clear before migration 0080 are sealed with the transit key.
            let sealed = try await WebhookRepository(database: database, transit: vault.documents.transit).sealClearSecrets()
            if sealed > 0 { env.logger.notice("sealed \(sealed) webhook signing secret(s) stored in clear") }
            // So are SFTP and HTTPS delivery credentials inside settings (`SettingSecret`).
            let sealedSettings = try await SettingsRepository(database: database).sealClearSecrets(transit: vault.documents.transit)
            if sealedSettings > 0 { env.logger.notice("sealed the credentials of \(sealedSettings) delivery setting(s) stored in clear") }
            try await JobHandlers.seedRecurringWork(queue, configuration: env.configuration)
            // E-mail to fax: the SMTP listener stores each message; `mail.intake` work processes it.
            let intake = MailIntake(
                database: database, documents: vault.documents, parser: GMimeMessageParser(), classifier: FaxAttachmentClassifier(),
                spf: LibSPF2Verifier(), logger: env.logger)
            let worker = WorkQueueWorker(
                queue: queue, handlers: JobHandlers.all(database: database, vault: vault, configuration: env.configuration, logger: env.logger)
                    + [MailIntakeHandler(intake: intake)],
                logger: env.logger)
            var services: [any Service] = [registration, worker]
            if env.configuration.smtpEnabled {
                services.append(SMTPServer(configuration: .init(env.configuration), intake: intake, logger: env.logger))
            }
            let group = ServiceGroup(
                configuration: .init(
                    services: services,
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: env.logger))
            try await group.run()
            await database.shutdown()
        }
    }
}
