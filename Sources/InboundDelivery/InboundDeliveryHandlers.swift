import Foundation
import Logging
import PagewireCore

/// `fax.deliver_inbound` (`{"fax_id": N, "round": R}`): reads the owner's effective settings,
/// prepares the round's documents (stamp, PDF) and queues one route item per route and target.
/// A repeated item finds its round begun and does nothing.
public struct InboundRoutingHandler: WorkHandler {
    public let kind = InboundFaxes.deliverKind
    public var lease: TimeInterval { 300 }
    let deliveries: InboundDeliveries
    let preparer: InboundFilePreparer
    let routeAttempts: Int
    let logger: Logger

    /// A handler queueing route items with `routeAttempts` tries each.
    public init(deliveries: InboundDeliveries, preparer: InboundFilePreparer, routeAttempts: Int, logger: Logger) {
        self.deliveries = deliveries
        self.preparer = preparer
        self.routeAttempts = routeAttempts
        self.logger = logger
    }

    struct Payload: Decodable { let fax_id: Int64 }

    public func handle(_ item: WorkItem) async throws {
        let faxID = try JSONDecoder().decode(Payload.self, from: Data(item.payload.utf8)).fax_id
        let round = InboundDeliveries.requestedRound(payload: item.payload)
        guard let fax = try await deliveries.fax(faxID), fax.deliveryRound < round, fax.state != .receiving, fax.state != .failed else { return }
        let settings = try await deliveries.settings(for: fax)
        let routes = InboundRouteConfig.plan(settings: settings)
        let documents: (tiff: StoredDocument, pdf: StoredDocument)
        do {
            documents = try await preparer.prepareRound(fax: fax, options: InboundDeliveryOptions(settings: settings))
        } catch {
            // The last try: the fax ends delivery_failed (still in the inbox) and the owner is told.
            if item.attempts >= item.maxAttempts { try await deliveries.preparationFailed(faxID: faxID, error: "\(error)") }
            throw error
        }
        let result = try await deliveries.beginRound(
            faxID: faxID, round: round, routes: routes, deliveryTIFF: documents.tiff.id, deliveryPDF: documents.pdf.id, maxAttempts: routeAttempts)
        let unused = result.began ? result.replacedDocuments : [documents.tiff.id, documents.pdf.id]
        for id in unused {
            try? await preparer.documents.delete(id, companyID: fax.companyID, actor: .system("inbound delivery"))
        }
        var logger = self.logger
        logger[metadataKey: "fax.id"] = "\(faxID)"
        logger.info("inbound delivery round \(round): \(routes.map(\.route.rawValue)) → \(result.state.rawValue)")
    }
}

/// `fax.deliver_inbound.route` (`{"delivery_id": N}`): one route of one round. A failed try is
/// recorded (`failed`/`retrying` event) and retried with back-off; after the last try the route
/// is failed, and when it was the round's last route the fax settles (the owner is told).
public struct InboundRouteHandler: WorkHandler {
    public let kind = InboundDeliveries.routeKind
    public var lease: TimeInterval { 300 }
    let deliveries: InboundDeliveries
    let sender: InboundRouteSender
    /// First retry delay; each next one doubles, up to an hour.
    let retryBaseSeconds: TimeInterval
    let logger: Logger

    public init(deliveries: InboundDeliveries, sender: InboundRouteSender, retryBaseSeconds: TimeInterval, logger: Logger) {
        self.deliveries = deliveries
        self.sender = sender
        self.retryBaseSeconds = retryBaseSeconds
        self.logger = logger
    }

    struct Payload: Decodable { let delivery_id: Int64 }

    public func handle(_ item: WorkItem) async throws {
        let id = try JSONDecoder().decode(Payload.self, from: Data(item.payload.utf8)).delivery_id
        guard let job = try await deliveries.job(id) else { return }
        var logger = self.logger
        logger[metadataKey: "fax.id"] = "\(job.fax.id)"
        do {
            let detail = try await sender.send(job)
            try await deliveries.succeeded(job, detail: detail)
            logger.info("inbound route \(job.config.route.rawValue) delivered")
        } catch {
            let final = item.attempts >= item.maxAttempts
            try await deliveries.failed(job, error: "\(error)", final: final)
            logger.warning("inbound route \(job.config.route.rawValue) failed (try \(item.attempts) of \(item.maxAttempts)): \(error)")
            if final { return }
            throw RetryAfter(seconds: min(3600, retryBaseSeconds * pow(2, Double(item.attempts - 1))), reason: "\(error)")
        }
    }
}

/// `fax.archive_outbound` (`{"fax_id": N}`): the company archive's copy of a sent fax (its rendered
/// pages and metadata) to the archive's e-mail address and/or SFTP site, when the owner's
/// effective `archive` setting includes sent faxes. Targets already archived are skipped on a retry.
public struct OutboundArchiveHandler: WorkHandler {
    public let kind = OutboundArchive.kind
    public var lease: TimeInterval { 300 }
    let deliveries: InboundDeliveries
    let sender: InboundRouteSender
    let retryBaseSeconds: TimeInterval
    let logger: Logger

    public init(deliveries: InboundDeliveries, sender: InboundRouteSender, retryBaseSeconds: TimeInterval, logger: Logger) {
        self.deliveries = deliveries
        self.sender = sender
        self.retryBaseSeconds = retryBaseSeconds
        self.logger = logger
    }

    struct Payload: Decodable { let fax_id: Int64 }

    public func handle(_ item: WorkItem) async throws {
        let faxID = try JSONDecoder().decode(Payload.self, from: Data(item.payload.utf8)).fax_id
        guard let fax = try await deliveries.outboundFax(faxID) else { return }  // never rendered: nothing to archive
        let settings = try await deliveries.settings(for: fax)
        guard let archive = SettingsRepository.value(Settings.archive, in: settings), archive.outbound else { return }
        let done = try await deliveries.archivedTargets(faxID: faxID)
        let final = item.attempts >= item.maxAttempts
        var failures: [String] = []
        for config in InboundRouteConfig.archiveRoutes(archive, options: InboundDeliveryOptions(settings: settings)) where !done.contains(config.target) {
            do {
                let detail = try await sender.send(InboundDeliveryJob(deliveryID: 0, round: 0, config: config, fax: fax))
                try await deliveries.recordArchive(faxID: faxID, target: config.target, delivered: true, final: false, detail: detail)
            } catch {
                try await deliveries.recordArchive(faxID: faxID, target: config.target, delivered: false, final: final, detail: "\(error)")
                failures.append("\(error)")
            }
        }
        guard !failures.isEmpty, !final else { return }
        throw RetryAfter(seconds: min(3600, retryBaseSeconds * pow(2, Double(item.attempts - 1))), reason: failures.joined(separator: "; "))
    }
}
