import FaxEngine
import Foundation
import Logging
import NIOCore
import PagewireCore
import SIP
import Synchronization

/// Answers calls to the platform's numbers for `pagewire-telephony serve` (DESIGN.md §4, inbound).
///
/// Each new INVITE is admitted in this order:
/// 1. it must come from the address of an active trunk (the previous hop's IP; carriers send
///    from ports other than the one they listen on, so only the host is compared) — else 403;
/// 2. the called number (Request-URI user, else To user) must parse as a number and be one of
///    ours: `NumberRepository.inboundRoute` gives 404 for unknown or unassigned numbers and 480
///    for a pending port or a locked user;
/// 3. the process must be under `maximumCalls` calls in both directions, and the trunk under its
///    channel limit — else 503, so the carrier can route the call elsewhere.
///
/// An admitted call becomes a fax in `receiving` (`InboundFaxes.begin`), is answered and received
/// by the fax engine over G.711 or T.38 (we ask for T.38 when the trunk allows it and accept the
/// far end's request), and when it ends the received TIFF goes to the company's vault and the fax
/// is finished: `received` (flagged partial when the call ended before the sender's end of
/// procedure while pages had arrived) with its delivery queued, or `failed` without pages.
public final class InboundFaxHandler: SIPUserAgentDelegate, @unchecked Sendable {
    /// Limits and places.
    public struct Settings: Sendable {
        /// This process's name in attempt rows.
        public var worker: String
        /// A private directory for the TIFF of each call in progress (removed once stored).
        public var scratch: URL
        /// Calls this process runs at once, both directions (`telephony.max_calls`).
        public var maximumCalls: Int
        /// How long the list of trunk addresses is kept before it is read again.
        public var trunkListLifetime: TimeInterval
        /// When we ask for T.38 on a trunk that allows it (FreeSWITCH asks after ~50 packets when receiving).
        public var t38RequestDelay: TimeAmount
        /// The longest an incoming call may last.
        public var maximumDuration: TimeAmount

        /// Creates settings.
        public init(worker: String, scratch: URL, maximumCalls: Int, trunkListLifetime: TimeInterval = 10,
                    t38RequestDelay: TimeAmount = .seconds(1), maximumDuration: TimeAmount = .minutes(60)) {
            self.worker = worker
            self.scratch = scratch
            self.maximumCalls = maximumCalls
            self.trunkListLifetime = trunkListLifetime
            self.t38RequestDelay = t38RequestDelay
            self.maximumDuration = maximumDuration
        }
    }

    /// What happened to one incoming call (for logs and tests).
    public struct Outcome: Sendable {
        /// The SIP status of a refused call, or 200.
        public var sipStatus: Int
        /// The fax row of an answered call.
        public var faxID: Int64?
        /// The fax's state after the call.
        public var state: FaxState?
        /// How the call went, for answered calls.
        public var report: FaxCallReport?

        /// Creates an outcome.
        public init(sipStatus: Int, faxID: Int64? = nil, state: FaxState? = nil, report: FaxCallReport? = nil) {
            self.sipStatus = sipStatus
            self.faxID = faxID
            self.state = state
            self.report = report
        }
    }

    /// The endpoint whose calls this handler answers.
    public let endpoint: TelephonyEndpoint
    let numbers: NumberRepository
    let inbound: InboundFaxes
    let trunks: TrunkRepository
    let documents: DocumentStore
    let settings: Settings
    let logger: Logger
    private let trunkCache = Mutex<(loaded: Date, trunks: [Trunk])?>(nil)
    private let observers = Mutex<[@Sendable (Outcome) -> Void]>([])

    /// Creates the handler; `install()` makes it the agent's delegate.
    public init(endpoint: TelephonyEndpoint, database: Database, trunks: TrunkRepository, documents: DocumentStore,
                settings: Settings, logger: Logger) {
        self.endpoint = endpoint
        self.numbers = NumberRepository(database: database)
        self.inbound = InboundFaxes(database: database)
        self.trunks = trunks
        self.documents = documents
        self.settings = settings
        self.logger = logger
    }

    /// Becomes the delegate of the endpoint's SIP agent (which holds it weakly: keep this object).
    public func install() async throws {
        let agent = endpoint.agent
        let box = UncheckedBox(self)
        try await endpoint.loop.submit { agent.delegate = box.value }.get()
    }

    /// Calls `observer` after every incoming call (tests wait on it).
    public func observe(_ observer: @escaping @Sendable (Outcome) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    private func announce(_ outcome: Outcome) {
        for observer in observers.withLock({ $0 }) { observer(outcome) }
    }

    /// Closes receptions a telephony process left open when it died: anything still `receiving`
    /// that started before the longest call could have started (twice the maximum duration ago,
    /// so a live call on another telephony host is never closed under its feet).
    @discardableResult
    public func closeAbandoned(now: Date = Date()) async throws -> Int {
        let longest = Double(settings.maximumDuration.nanoseconds) / 1e9
        let closed = try await inbound.closeAbandoned(startedBefore: now.addingTimeInterval(-2 * longest - 60), now: now)
        if closed > 0 { logger.warning("Closed receptions abandoned by a stopped telephony process", metadata: ["fax.count": "\(closed)"]) }
        return closed
    }

    // MARK: SIPUserAgentDelegate

    /// A new INVITE: admit it (in a task, the look-ups need the database), then answer or refuse on the loop.
    public func userAgent(_ agent: SIPUserAgent, incoming invite: SIPIncomingInvite) {
        let box = UncheckedBox(invite)
        let source = invite.source.ipAddress ?? ""
        let called = [invite.calledUser, invite.toUser]
        let caller = invite.callingUser ?? ""
        let callID = invite.request.callID ?? UUID().uuidString
        Task { await self.admit(box, source: source, called: called, caller: caller, callID: callID) }
    }

    private func admit(_ box: UncheckedBox<SIPIncomingInvite>, source: String, called: [String?], caller: String, callID: String) async {
        var logger = self.logger
        logger[metadataKey: "sip.call_id"] = "\(callID)"
        let loop = endpoint.loop
        func refuse(_ status: Int, _ reason: String) {
            logger.info("Incoming call refused", metadata: ["sip.status": "\(status)", "sip.reason": "\(reason)", "sip.source": "\(source)"])
            loop.execute { box.value.reject(status) }
            announce(Outcome(sipStatus: status))
        }
        guard let trunk = await trunk(at: source) else {
            refuse(403, "not from a trunk")
            return
        }
        guard let number = Self.calledNumber(called) else {
            refuse(404, "no number in the Request-URI or To")
            return
        }
        logger[metadataKey: "fax.number"] = "\(number.value)"
        let route: InboundRoute
        do {
            route = try await numbers.inboundRoute(for: number.value)
        } catch {
            logger.error("Number look-up failed", metadata: ["db.error": "\(error)"])
            refuse(503, "number look-up failed")
            return
        }
        guard case .accept(_, let companyID, let accountID, let userID, let queueName) = route else {
            if case .unavailable(let reason) = route { refuse(route.sipStatus ?? 480, reason) } else { refuse(route.sipStatus ?? 404, "not an assigned number") }
            return
        }
        guard endpoint.reserveCall(limit: settings.maximumCalls) else {
            refuse(503, "telephony.max_calls calls in progress")
            return
        }
        let callKey = "in-\(callID)"
        let claimed = (try? await trunks.claimChannel(trunkID: trunk.id, callKey: callKey)) ?? false
        guard claimed else {
            endpoint.releaseCall()
            refuse(503, "the trunk's channels are all in use")
            return
        }
        let faxID: Int64
        do {
            faxID = try await inbound.begin(companyID: companyID, accountID: accountID, userID: userID, queueName: queueName,
                                            callerNumber: Self.callerNumber(caller), calledNumber: number.value, worker: settings.worker)
        } catch {
            logger.error("Could not record the reception", metadata: ["db.error": "\(error)"])
            try? await trunks.releaseChannel(trunkID: trunk.id, callKey: callKey)
            endpoint.releaseCall()
            refuse(503, "the reception could not be recorded")
            return
        }
        logger[metadataKey: "fax.id"] = "\(faxID)"
        let file = settings.scratch.appendingPathComponent("in-\(faxID).tif")
        try? FileManager.default.createDirectory(at: settings.scratch, withIntermediateDirectories: true)
        let codecs = trunk.codecs.compactMap { SDPAudioCodec(rawValue: $0.uppercased()) }
        var options = InboundFaxOptions(
            receiveInto: file, localIdentifier: number.value, ecm: trunk.ecm, codecs: codecs.isEmpty ? [.pcmu, .pcma] : codecs,
            t38: trunk.t38Allowed ? T38Policy(accept: true, request: true, requestDelay: settings.t38RequestDelay) : .never,
            maximumDuration: settings.maximumDuration)
        options.ringTime = .zero
        let context = Reception(faxID: faxID, companyID: companyID, accountID: accountID, trunk: trunk, callKey: callKey, file: file)
        logger.info("Answering a fax call", metadata: ["fax.trunk": "\(trunk.name)"])
        let endpoint = self.endpoint
        let callLogger = logger
        let answerOptions = options
        loop.execute {
            endpoint.answerFax(box.value, options: answerOptions) { report in
                Task { await self.finish(context, report: report, logger: callLogger) }
            }
        }
    }

    /// What `finish` needs of an answered call.
    struct Reception: Sendable {
        var faxID: Int64
        var companyID: Int64
        var accountID: Int64
        var trunk: Trunk
        var callKey: String
        var file: URL
    }

    private func finish(_ reception: Reception, report: FaxCallReport, logger: Logger) async {
        defer { endpoint.releaseCall() }
        try? await trunks.releaseChannel(trunkID: reception.trunk.id, callKey: reception.callKey)
        let statistics = report.statistics
        var pages = statistics?.pages ?? 0
        var document: StoredDocument?
        var detail = report.completionCode.map { "\($0)" } ?? report.sipStatus.map { "SIP \($0)" }
        if pages > 0 {
            do {
                let bytes = try Data(contentsOf: reception.file)
                document = try await documents.put(companyID: reception.companyID, accountID: reception.accountID, kind: .faxTIFF,
                                                   contentType: "image/tiff", bytes: Array(bytes))
                try? FileManager.default.removeItem(at: reception.file)
            } catch {
                // The pages stay in the scratch file for an operator; the fax ends failed rather than open.
                logger.error("Received pages could not be stored in the vault", metadata: ["vault.error": "\(error)", "fax.file": "\(reception.file.path)"])
                pages = 0
                detail = "the received pages could not be stored"
            }
        } else {
            try? FileManager.default.removeItem(at: reception.file)
        }
        let partial = pages > 0 && report.resultCode != .ok
        let result: ResultCode = document == nil && report.resultCode == .ok ? .generalError : report.resultCode
        var state: FaxState?
        do {
            state = try await inbound.finish(
                faxID: reception.faxID,
                report: AttemptReport(result: result, pagesSent: pages, sipStatus: report.sipStatus, t30Code: report.completionCode?.rawValue,
                                      bitRate: statistics.map(\.bitRate), ecm: statistics.map(\.ecm), remoteCSID: statistics?.remoteIdentifier,
                                      trunk: reception.trunk.name, detail: detail),
                pages: pages, partial: partial, document: document)
        } catch {
            logger.error("Could not finish the reception", metadata: ["db.error": "\(error)"])
        }
        logger.info("Reception ended", metadata: ["fax.result": "\(report.resultCode.rawValue)", "fax.pages": "\(pages)",
                                                 "fax.partial": "\(partial)", "fax.t38": "\(report.usedT38)"])
        announce(Outcome(sipStatus: report.sipStatus ?? 0, faxID: reception.faxID, state: state, report: report))
    }

    // MARK: Look-ups

    /// The active trunk whose host is `address`, from a list re-read every `trunkListLifetime` seconds.
    func trunk(at address: String) async -> Trunk? {
        let now = Date()
        var list = trunkCache.withLock { cache -> [Trunk]? in
            guard let cache, now.timeIntervalSince(cache.loaded) < settings.trunkListLifetime else { return nil }
            return cache.trunks
        }
        if list == nil {
            do {
                let loaded = try await trunks.all().filter(\.active)
                trunkCache.withLock { $0 = (now, loaded) }
                list = loaded
            } catch {
                logger.error("Trunk list could not be read", metadata: ["db.error": "\(error)"])
                list = trunkCache.withLock { $0?.trunks } ?? []
            }
        }
        return list?.first { Self.sameHost($0.host, address) }
    }

    static func sameHost(_ configured: String, _ address: String) -> Bool {
        let strip = { (text: String) in text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text }
        return strip(configured).lowercased() == strip(address).lowercased()
    }

    /// The first candidate that reads as a number (`+12065550150`, `12065550150`, `2065550150`;
    /// URI parameters such as `;npdi` ignored).
    static func calledNumber(_ candidates: [String?]) -> E164Number? {
        for candidate in candidates {
            guard let user = candidate?.split(separator: ";").first.map(String.init), !user.isEmpty else { continue }
            if let number = try? E164Number(parsing: user) { return number }
        }
        return nil
    }

    /// The caller's number as E.164 when it reads as one, else the user part as sent (or empty).
    static func callerNumber(_ user: String) -> String {
        let plain = user.split(separator: ";").first.map(String.init) ?? ""
        if plain.lowercased() == "anonymous" { return "" }
        return (try? E164Number(parsing: plain).value) ?? String(plain.prefix(20))
    }
}
