import FaxEngine
import Foundation
import Logging
import NIOCore
import PagewireCore
import SIP

/// Runs `fax.send` work: one attempt of one outbound fax. Takes a channel on the account's first
/// trunk with room, opens the attempt with the scheduler (which holds the destination's line),
/// reads the rendered TIFF from the vault through the transit copy, dials with failover to the
/// next trunk on 5xx, 408 or a timeout, hangs up on cancel, and reports. Retries are the
/// scheduler's decision, never this handler's.
public struct FaxSendHandler: WorkHandler {
    /// `fax.send`.
    public let kind = FaxScheduler.sendKind
    /// Short: the worker renews it at half-time while the call runs, so a killed process's fax
    /// is claimed again (and its interrupted attempt closed) within one lease.
    public let lease: TimeInterval

    let scheduler: FaxScheduler
    let trunks: TrunkRepository
    let documents: DocumentStore
    let endpoint: TelephonyEndpoint
    let worker: String
    let scratch: URL
    let noAnswerTimeout: TimeAmount
    let maximumCalls: Int?
    let logger: Logger

    /// Creates the handler.
    ///
    /// - Parameters:
    ///   - worker: this process's name in attempt rows.
    ///   - scratch: a private directory for the TIFF of the call in progress (deleted after each call).
    ///   - lease: seconds a `fax.send` lease lasts (`telephony.send_lease_seconds`).
    ///   - maximumCalls: calls in progress on the endpoint (incoming ones too) above which an attempt
    ///     waits and is retried a few seconds later (`telephony.max_calls`).
    public init(scheduler: FaxScheduler, trunks: TrunkRepository, documents: DocumentStore, endpoint: TelephonyEndpoint,
                worker: String, scratch: URL, noAnswerTimeout: TimeAmount = .seconds(55), lease: TimeInterval = 45, maximumCalls: Int? = nil,
                logger: Logger) {
        self.lease = lease
        self.scheduler = scheduler
        self.trunks = trunks
        self.documents = documents
        self.endpoint = endpoint
        self.worker = worker
        self.scratch = scratch
        self.noAnswerTimeout = noAnswerTimeout
        self.maximumCalls = maximumCalls
        self.logger = logger
    }

    struct Payload: Decodable {
        let fax_id: Int64
    }

    /// One attempt of the fax named in the payload (`{"fax_id": N}`).
    public func handle(_ item: WorkItem) async throws {
        guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(item.payload.utf8)) else {
            logger.error("fax.send without a fax id", metadata: ["work.id": "\(item.id)"])
            return
        }
        let faxID = payload.fax_id
        var logger = self.logger
        logger[metadataKey: "fax.id"] = "\(faxID)"
        guard let row = try await scheduler.database.query(
            "SELECT account_id, company_id, caller_id FROM faxes WHERE id = ? AND direction = 'outbound'", faxID
        ).first else { return }
        let accountID: Int64 = try row.get("account_id")
        let companyID: Int64 = try row.get("company_id")
        let callerID: String = try row.optional("caller_id") ?? ""
        let callKey = "fax-\(faxID)-\(item.attempts)"
        // Only one worker holds this fax's lease: channels still taken under an earlier key of
        // this fax belong to a process that died mid-call.
        try await trunks.releaseChannels(callKeyPrefix: "fax-\(faxID)-")

        if let maximumCalls, endpoint.activeCalls >= maximumCalls {
            throw RetryAfter(seconds: 5, reason: "telephony.max_calls calls in progress (incoming ones count too)")
        }

        let candidates = try await trunks.trunks(forAccount: accountID)
        var first: Int?
        for (index, trunk) in candidates.enumerated() where try await trunks.claimChannel(trunkID: trunk.id, callKey: callKey) {
            first = index
            break
        }
        if !candidates.isEmpty, first == nil {
            throw RetryAfter(seconds: 5, reason: "every trunk of the account is at its channel limit")
        }
        let start = try await scheduler.beginAttempt(faxID: faxID, worker: worker)
        guard case .proceed(let attempt, let number) = start else {
            if let first { try await trunks.releaseChannel(trunkID: candidates[first].id, callKey: callKey) }
            if case .lineBusy(let until) = start {
                throw RetryAfter(seconds: max(1, until.timeIntervalSinceNow), reason: "another fax holds the line to this number")
            }
            return
        }
        guard let first else {
            logger.error("No trunk for the account")
            try await scheduler.reportAttempt(faxID: faxID, attempt: attempt, report: AttemptReport(result: .generalError, detail: "no active trunk"))
            return
        }

        let document = scratch.appendingPathComponent("fax-\(faxID)-\(attempt).tif")
        defer { try? FileManager.default.removeItem(at: document) }
        do {
            guard let documentID: Int64 = try await scheduler.database.query(
                "SELECT document_id FROM fax_documents WHERE fax_id = ? AND role = 'rendered' ORDER BY n LIMIT 1", faxID
            ).first?.get("document_id") else {
                try await trunks.releaseChannel(trunkID: candidates[first].id, callKey: callKey)
                try await scheduler.reportAttempt(faxID: faxID, attempt: attempt, report: AttemptReport(result: .noAttachment, detail: "no rendered document"))
                return
            }
            let bytes = try await documents.read(documentID, companyID: companyID, reader: .system(purpose: "fax.send"))
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            try Data(bytes).write(to: document, options: .atomic)
        } catch {
            try? await trunks.releaseChannel(trunkID: candidates[first].id, callKey: callKey)
            try await scheduler.reportAttempt(faxID: faxID, attempt: attempt, report: AttemptReport(result: .generalError, detail: "the rendered document could not be read"))
            return
        }

        var index = first
        var result: (FaxCallReport, Trunk)
        while true {
            let trunk = candidates[index]
            let report = await call(trunk: trunk, number: number.value, callerID: callerID, document: document, faxID: faxID)
            try? await trunks.releaseChannel(trunkID: trunk.id, callKey: callKey)
            result = (report, trunk)
            logger.info("Attempt on trunk", metadata: ["fax.trunk": "\(trunk.name)", "fax.result": "\(report.resultCode.rawValue)",
                                                      "sip.status": "\(report.sipStatus.map(String.init) ?? "-")"])
            guard report.sipStatus != 200, report.resultCode != .cancelled, SIPFailureMapping.shouldFailOver(status: report.sipStatus) else { break }
            // Fail over to the next trunk with a free channel.
            var next: Int?
            for candidate in (index + 1)..<candidates.count where try await trunks.claimChannel(trunkID: candidates[candidate].id, callKey: callKey) {
                next = candidate
                break
            }
            guard let next else { break }
            index = next
        }
        let (report, trunk) = result
        let statistics = report.statistics
        try await scheduler.reportAttempt(faxID: faxID, attempt: attempt, report: AttemptReport(
            result: report.resultCode, pagesSent: statistics?.pages ?? 0, sipStatus: report.sipStatus,
            t30Code: report.completionCode?.rawValue, bitRate: statistics.map(\.bitRate), ecm: statistics.map(\.ecm),
            remoteCSID: statistics?.remoteIdentifier, trunk: trunk.name,
            detail: report.completionCode.map { "\($0)" } ?? report.sipStatus.map { "SIP \($0)" }))
    }

    /// One call through one trunk; a cancel flagged by the scheduler hangs it up.
    private func call(trunk: Trunk, number: String, callerID: String, document: URL, faxID: Int64) async -> FaxCallReport {
        let codecs = trunk.codecs.compactMap { SDPAudioCodec(rawValue: $0.uppercased()) }
        var request = OutboundFaxRequest(
            destination: number, trunkHost: trunk.host, trunkPort: trunk.port,
            credentials: trunk.username.map { SIPCredentials(username: $0, password: trunk.password ?? "") },
            callerID: trunk.callerIDOverride ?? callerID, document: document, ecm: trunk.ecm,
            maximumBitRate: trunk.v17Allowed ? 14_400 : 9_600, codecs: codecs.isEmpty ? [.pcmu, .pcma] : codecs,
            t38: trunk.t38Allowed ? T38Policy(accept: true, request: true) : .never, noAnswerTimeout: noAnswerTimeout)
        request.transport = SIPTransportKind(trunkTransport: trunk.transport)
        let cancellation = FaxCallCancellation()
        let scheduler = self.scheduler
        let watcher = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                if (try? await scheduler.isCancelRequested(faxID: faxID)) == true {
                    cancellation.cancel()
                    return
                }
            }
        }
        let report = await endpoint.sendFax(request, cancel: cancellation)
        watcher.cancel()
        return report
    }
}
