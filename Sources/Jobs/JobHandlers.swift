import FaxEngine
import Foundation
import InboundDelivery
import Logging
import PagewireCore

/// The work kinds `pagewire-jobs` runs; each later issue adds its handlers here.
enum JobHandlers {
    static func all(database: Database, vault: Vault, configuration: Configuration, logger: Logger) -> [any WorkHandler] {
        // Notices (fax notices and the e-mail gateway's answers) go through one relay, if configured.
        let relay = configuration.mailSMTPURL.map { url in
            FaxNotifier.Relay(url: url, from: configuration.mailFrom, username: configuration.mailSMTPUsername, password: configuration.mailSMTPPassword)
        }
        return [
            RetentionPurgeHandler(database: database, vault: vault, logger: logger),
            WelcomeMessageHandler(database: database, relay: relay, logger: logger),
            FaxRenderHandler(
                scheduler: FaxScheduler(database: database), documents: vault.documents,
                coverPageDirectory: URL(fileURLWithPath: configuration.resourcesDirectory + "/Templates/coverpages"), logger: logger),
            WebhookFanOutHandler(webhooks: WebhookRepository(database: database, transit: vault.documents.transit)),
            WebhookDeliveryHandler(
                webhooks: WebhookRepository(database: database, transit: vault.documents.transit), allowPrivateTargets: configuration.webhooksAllowPrivateTargets, logger: logger),
            MailNoticeHandler(sender: relay.map { MailNoticeSender(relay: $0) }, logger: logger),
            PortNoticeHandler(sender: relay.map { PortNoticeSender(database: database, relay: $0) }, logger: logger),
            FaxNotificationHandler(
                notifier: relay.map { FaxNotifier(database: database, relay: $0, report: FaxNotificationHandler.reportMaker(database: database, vault: vault)) },
                logger: logger),
            PasswordResetMailHandler(
                mailer: relay.map { PasswordResetMailer(database: database, relay: $0, publicURL: configuration.webPublicURL) }, logger: logger),
            AddressVerificationMailHandler(
                mailer: relay.map { SendingAddressVerificationMailer(database: database, relay: $0, publicURL: configuration.webPublicURL) }, logger: logger),
        ] + inboundDelivery(database: database, vault: vault, configuration: configuration, relay: relay, logger: logger)
            + identity(database: database, vault: vault, configuration: configuration, logger: logger)
    }

    /// Identity (issue 11): the scheduled rotation of the token signing key.
    static func identity(database: Database, vault: Vault, configuration: Configuration, logger: Logger) -> [any WorkHandler] {
        [SigningKeyRotationHandler(database: database, keys: SigningKeyStore(database: database, transit: vault.documents.transit),
                                   rotationSeconds: configuration.oauthSigningKeyRotationSeconds, logger: logger)]
    }

    /// Delivery of received faxes (issue 9): routing, then one item per route and target.
    static func inboundDelivery(database: Database, vault: Vault, configuration: Configuration, relay: FaxNotifier.Relay?,
                                logger: Logger) -> [any WorkHandler] {
        let deliveries = InboundDeliveries(database: database)
        let preparer = InboundFilePreparer(documents: vault.documents)
        let sender = InboundRouteSender(
            settings: .init(relay: relay, caFile: configuration.inboundHTTPSCAFile, allowPrivateTargets: configuration.webhooksAllowPrivateTargets,
                            transit: vault.documents.transit),
            preparer: preparer, brand: { try await deliveries.brand(companyID: $0.companyID) })
        return [
            InboundRoutingHandler(deliveries: deliveries, preparer: preparer, routeAttempts: configuration.inboundRouteAttempts, logger: logger),
            InboundRouteHandler(deliveries: deliveries, sender: sender, retryBaseSeconds: TimeInterval(configuration.inboundRetryBaseSeconds), logger: logger),
            OutboundArchiveHandler(deliveries: deliveries, sender: sender, retryBaseSeconds: TimeInterval(configuration.inboundRetryBaseSeconds), logger: logger),
        ]
    }

    /// Seeds recurring work once per start; the dedupe key keeps one row per period across processes.
    static func seedRecurringWork(_ queue: WorkQueue, configuration: Configuration) async throws {
        try await RetentionPurgeHandler.schedule(on: queue, at: Date())
        try await SigningKeyRotationHandler.schedule(on: queue, at: Date(), rotationSeconds: configuration.oauthSigningKeyRotationSeconds)
    }
}

/// Purges expired documents, old fax metadata and dead rate counters every hour (`retention.purge`), then schedules
/// the next run; the purge is idempotent, so a run repeated after a crash does no harm.
struct RetentionPurgeHandler: WorkHandler {
    let kind = "retention.purge"
    let lease: TimeInterval = 600
    let database: Database
    let vault: Vault
    let logger: Logger

    static let interval: TimeInterval = 3600

    static func schedule(on queue: WorkQueue, at date: Date) async throws {
        let slot = Int(date.timeIntervalSince1970 / interval)
        try await queue.enqueue(kind: "retention.purge", runAt: date, maxAttempts: 3, dedupeKey: "retention.purge@\(slot)")
    }

    func handle(_ item: WorkItem) async throws {
        let report = try await vault.retentionPurge().run()
        let counters = try await RateCounter(database: database).purgeExpired()
        logger.info("retention purge: \(report.documentsExpired) document(s) expired, \(report.metadataRowsRemoved) metadata row(s) removed, \(counters) old rate counter(s) removed")
        let next = Date().addingTimeInterval(Self.interval)
        try await Self.schedule(on: WorkQueue(database: database, owner: "retention"), at: next)
    }
}
