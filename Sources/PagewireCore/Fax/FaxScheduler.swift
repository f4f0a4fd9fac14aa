import Foundation

/// A request to send one document set to one or more numbers; each recipient becomes one fax.
public struct OutboundSubmission: Sendable {
    public var recipients: [String]
    public var callerID: String?
    public var quality: FaxQuality
    /// Originals already stored in the vault, in page order.
    public var documentIDs: [Int64]
    /// A cover page was asked for (and may stand alone where the behaviour allows it).
    public var coverPage: Bool
    /// The vault document holding the cover page's words (`CoverPageRequest` JSON), if any.
    public var coverDocumentID: Int64?
    /// Whether the "accepted" e-mail notice is queued; the e-mail gateway answers its senders itself.
    public var acceptedNotice: Bool = true
    public var retryOverride: RetryPolicy?
    public var scheduledAt: Date?
    /// With the same key and the same request, a second submission returns the first one's faxes.
    public var idempotencyKey: String?
    /// A digest of the request body, to tell a repeat from a different request under the same key.
    public var requestHash: String

    public init(recipients: [String], callerID: String? = nil, quality: FaxQuality = .fine, documentIDs: [Int64], coverPage: Bool = false,
                coverDocumentID: Int64? = nil, retryOverride: RetryPolicy? = nil, scheduledAt: Date? = nil, idempotencyKey: String? = nil, requestHash: String = "") {
        self.recipients = recipients
        self.callerID = callerID
        self.quality = quality
        self.documentIDs = documentIDs
        self.coverPage = coverPage || coverDocumentID != nil
        self.coverDocumentID = coverDocumentID
        self.retryOverride = retryOverride
        self.scheduledAt = scheduledAt
        self.idempotencyKey = idempotencyKey
        self.requestHash = requestHash
    }
}

/// Why a submission was refused; nothing of it was created.
public enum SubmissionError: Error, Equatable, CustomStringConvertible {
    case refused(ResultCode, String)
    /// The idempotency key was used before for a different request.
    case idempotencyConflict

    public var description: String {
        switch self {
        case .refused(let code, let reason): "\(code.title): \(reason)"
        case .idempotencyConflict: "this Idempotency-Key was already used for a different request"
        }
    }
}

/// What telephony learned in one attempt; it reports, the scheduler decides.
public struct AttemptReport: Sendable, Equatable {
    public var result: ResultCode
    public var pagesSent: Int
    public var sipStatus: Int?
    public var t30Code: Int?
    public var bitRate: Int?
    public var ecm: Bool?
    public var remoteCSID: String?
    public var trunk: String?
    public var detail: String?

    public init(result: ResultCode, pagesSent: Int = 0, sipStatus: Int? = nil, t30Code: Int? = nil, bitRate: Int? = nil,
                ecm: Bool? = nil, remoteCSID: String? = nil, trunk: String? = nil, detail: String? = nil) {
        self.result = result
        self.pagesSent = pagesSent
        self.sipStatus = sipStatus
        self.t30Code = t30Code
        self.bitRate = bitRate
        self.ecm = ecm
        self.remoteCSID = remoteCSID
        self.trunk = trunk
        self.detail = detail
    }
}

/// The answer to "may this worker call now?".
public enum AttemptStart: Sendable, Equatable {
    /// Go ahead: this is attempt `attempt` to `number`.
    case proceed(attempt: Int, number: E164Number)
    /// Another fax holds the line to that number until then; try later.
    case lineBusy(until: Date)
    /// The fax is final or cancelled: nothing to send.
    case nothingToDo
}

/// The outbound scheduler: owns every state change of an outbound fax in MariaDB. Telephony
/// performs one attempt and reports; this decides retries (from the account's retry policy and
/// `RetryRules`), keeps one call per destination, and never leaves a fax stuck: an attempt whose
/// worker died is closed as `general_error` when its work item comes back, and counted.
public struct FaxScheduler: Sendable {
    public let database: Database
    public let settings: SettingsRepository
    /// Work kinds the scheduler enqueues.
    public static let renderKind = "fax.render"
    public static let sendKind = "fax.send"

    public init(database: Database) {
        self.database = database
        self.settings = SettingsRepository(database: database)
    }

    /// Checks and records a submission: one fax per recipient, each with its render work, all in one
    /// transaction. A refusal (invalid number, blocked, limit reached, no document) creates nothing.
    public func submit(_ submission: OutboundSubmission, userID: Int64, scope: AccountScope, now: Date = Date()) async throws -> [Int64] {
        guard let user = try await UserRepository(database: database).get(userID, scope: scope) else { throw AccountError.notFound }
        guard !submission.recipients.isEmpty else { throw SubmissionError.refused(.invalidNumber, "no recipient was given") }
        guard submission.recipients.count <= 100 else { throw SubmissionError.refused(.limitExceeded, "at most 100 recipients per request") }
        var numbers: [E164Number] = []
        for text in submission.recipients {
            do { numbers.append(try E164Number(parsing: text)) } catch {
                throw SubmissionError.refused(.invalidNumber, "\(text): \(error.description)")
            }
        }
        if submission.documentIDs.isEmpty && !submission.coverPage {
            throw SubmissionError.refused(.noAttachment, "attach at least one document")
        }
        // The four settings a submission needs, resolved along the tree in one batch (3 queries, not 12).
        let effective = try await settings.effectiveJSON(
            names: [Settings.outboundBlocklist.name, Settings.retryPolicy.name, Settings.dailyFaxLimit.name, Settings.monthlyFaxLimit.name],
            forUser: userID)
        let blocklist = Set(SettingsRepository.value(Settings.outboundBlocklist, in: effective))
        if let blocked = numbers.first(where: { blocklist.contains($0.value) }) {
            throw SubmissionError.refused(.blockedNumber, "\(blocked.formatted) is on your account's blocklist")
        }
        var policy = SettingsRepository.value(Settings.retryPolicy, in: effective)
        if let override = submission.retryOverride { policy = override }
        if let problem = Settings.retryPolicy.problem(with: policy) { throw SubmissionError.refused(.generalError, problem) }
        let daily = SettingsRepository.value(Settings.dailyFaxLimit, in: effective)
        let monthly = SettingsRepository.value(Settings.monthlyFaxLimit, in: effective)
        let destinations = numbers
        let policyToUse = policy

        return try await database.transaction { c in
            guard let account = try AccountRepository.fetch(c, id: user.accountID, scope: scope), let companyID = account.companyID else {
                throw AccountError.notFound
            }
            // Serialise what could race: submissions per company while a limit is counted, per user
            // while an idempotency key is checked. Without either, submissions run side by side.
            if daily != nil || monthly != nil {
                try c.query("SELECT id FROM accounts WHERE id = ? FOR UPDATE", companyID)
            } else if submission.idempotencyKey != nil {
                try c.query("SELECT id FROM users WHERE id = ? FOR UPDATE", userID)
            }
            if let key = submission.idempotencyKey {
                let earlier = try c.query(
                    "SELECT id, request_hash FROM faxes WHERE user_id = ? AND idempotency_key = ? ORDER BY id", userID, key)
                if !earlier.isEmpty {
                    guard try earlier.allSatisfy({ try $0.get("request_hash", as: String.self) == submission.requestHash }) else {
                        throw SubmissionError.idempotencyConflict
                    }
                    return try earlier.map { try $0.get("id", as: Int64.self) }
                }
            }
            for (limit, since, word) in [(daily, Self.startOfDay(now), "daily"), (monthly, Self.startOfMonth(now), "monthly")] {
                guard let limit else { continue }
                let used = try c.query(
                    "SELECT COUNT(*) AS n FROM faxes WHERE company_id = ? AND direction = 'outbound' AND created_at >= ?", companyID, since
                )[0].get("n", as: Int.self)
                if used + destinations.count > limit {
                    throw SubmissionError.refused(.limitExceeded, "the \(word) limit of \(limit) faxes is reached (\(used) sent)")
                }
            }
            var ids: [Int64] = []
            for number in destinations {
                let id = Int64(try c.execute(
                    """
                    INSERT INTO faxes (direction, account_id, company_id, user_id, state, remote_number, caller_id, quality,
                        max_attempts, retry_interval_seconds, idempotency_key, request_hash, scheduled_at, created_at, updated_at)
                    VALUES ('outbound', ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    account.id, companyID, userID, number.value, submission.callerID, submission.quality.rawValue,
                    policyToUse.attempts, policyToUse.intervalSeconds, submission.idempotencyKey, submission.requestHash,
                    submission.scheduledAt, now, now).lastInsertID)
                for (n, documentID) in submission.documentIDs.enumerated() {
                    try c.execute("INSERT INTO fax_documents (fax_id, n, document_id, role) VALUES (?, ?, ?, 'original')", id, n, documentID)
                }
                if let cover = submission.coverDocumentID {
                    try c.execute("INSERT INTO fax_documents (fax_id, n, document_id, role) VALUES (?, 0, ?, 'cover')", id, cover)
                }
                try Self.event(c, id, now, "submitted", status: "accepted")
                if submission.acceptedNotice { try FaxNotice.record(on: c, faxID: id, notice: .accepted, now: now) }
                try WorkQueue.enqueue(on: c, kind: Self.renderKind, payload: "{\"fax_id\":\(id)}", runAt: now, dedupeKey: "fax.render.\(id)")
                ids.append(id)
            }
            return ids
        }
    }

    /// Rendering produced `pages` pages: the fax is queued for sending (at its scheduled time).
    public func renderingFinished(faxID: Int64, pages: Int, now: Date = Date()) async throws {
        try await database.transaction { c in
            guard let row = try c.query("SELECT state, scheduled_at FROM faxes WHERE id = ? FOR UPDATE", faxID).first else { return }
            guard [FaxState.submitted, .rendering].contains(FaxState(rawValue: try row.get("state"))) else { return }
            let runAt = max(now, try row.optional("scheduled_at", as: Date.self) ?? now)
            try c.execute("UPDATE faxes SET state = 'queued', pages = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?", pages, runAt, now, faxID)
            try Self.event(c, faxID, now, "rendered", status: "ok", detail: "\(pages) page(s)")
            try WebhookEvent.record(on: c, faxID: faxID, state: .queued, now: now)
            try WorkQueue.enqueue(on: c, kind: Self.sendKind, payload: "{\"fax_id\":\(faxID)}", runAt: runAt, dedupeKey: "fax.send.\(faxID).1")
        }
    }

    /// Rendering refused the documents: the fax fails with `invalid_attachment` and the reason.
    public func renderingFailed(faxID: Int64, reason: String, now: Date = Date()) async throws {
        try await database.transaction { c in
            guard let row = try c.query("SELECT state FROM faxes WHERE id = ? FOR UPDATE", faxID).first,
                  let state = FaxState(rawValue: try row.get("state")), !state.isFinal else { return }
            try Self.finish(c, faxID, .failed, .invalidAttachment, now)
            try Self.event(c, faxID, now, "rendered", status: "failed", detail: reason)
        }
    }

    /// Starts an attempt: takes the line to the destination for `lineHold` seconds and opens the
    /// attempt row. A previous attempt still open (its worker died) is closed as `general_error` first.
    public func beginAttempt(faxID: Int64, worker: String, lineHold: TimeInterval = 900, now: Date = Date()) async throws -> AttemptStart {
        try await database.transaction { c in
            guard let row = try c.query(
                "SELECT state, remote_number, attempts, cancel_requested FROM faxes WHERE id = ? FOR UPDATE", faxID
            ).first, let state = FaxState(rawValue: try row.get("state")) else { return .nothingToDo }
            if state.isFinal { return .nothingToDo }
            var attempts: Int = try row.get("attempts")
            if try row.get("cancel_requested", as: Bool.self) {
                try Self.finish(c, faxID, .cancelled, .cancelled, now)
                return .nothingToDo
            }
            if state == .sending {
                try c.execute(
                    "UPDATE fax_attempts SET ended_at = ?, result_code = 'general_error', detail = 'the attempt was interrupted (process stopped)' WHERE fax_id = ? AND n = ? AND ended_at IS NULL",
                    now, faxID, attempts)
                try c.execute("DELETE FROM destination_locks WHERE fax_id = ?", faxID)
                try Self.event(c, faxID, now, "attempt", status: "interrupted", detail: "attempt \(attempts) was interrupted and counts as failed")
                let policy = try Self.policy(c, faxID)
                if attempts >= policy.attempts {
                    try Self.finish(c, faxID, .failed, .generalError, now)
                    return .nothingToDo
                }
            } else if ![FaxState.queued, .retryWait].contains(state) {
                return .nothingToDo
            }
            let number: String = try row.get("remote_number")
            if let lock = try c.query("SELECT fax_id, until FROM destination_locks WHERE remote_number = ? FOR UPDATE", number).first {
                let holder: Int64 = try lock.get("fax_id")
                let until: Date = try lock.get("until")
                if holder != faxID && until > now { return .lineBusy(until: until) }
                try c.execute("UPDATE destination_locks SET fax_id = ?, until = ? WHERE remote_number = ?", faxID, now.addingTimeInterval(lineHold), number)
            } else {
                try c.execute("INSERT INTO destination_locks (remote_number, fax_id, until) VALUES (?, ?, ?)", number, faxID, now.addingTimeInterval(lineHold))
            }
            attempts += 1
            try c.execute("UPDATE faxes SET state = 'sending', attempts = ?, updated_at = ? WHERE id = ?", attempts, now, faxID)
            try c.execute("INSERT INTO fax_attempts (fax_id, n, started_at, worker) VALUES (?, ?, ?, ?)", faxID, attempts, now, worker)
            return .proceed(attempt: attempts, number: try E164Number(parsing: number))
        }
    }

    /// Records how attempt `attempt` ended and decides what follows; returns the fax's new state.
    @discardableResult
    public func reportAttempt(faxID: Int64, attempt: Int, report: AttemptReport, now: Date = Date()) async throws -> FaxState {
        try await database.transaction { c in
            guard let row = try c.query(
                "SELECT state, attempts, pages, pages_sent, cancel_requested FROM faxes WHERE id = ? FOR UPDATE", faxID
            ).first, let state = FaxState(rawValue: try row.get("state")) else { throw AccountError.notFound }
            try c.execute(
                """
                UPDATE fax_attempts SET ended_at = ?, result_code = ?, sip_status = ?, t30_code = ?, pages_sent = ?, bit_rate = ?,
                    ecm = ?, remote_csid = ?, trunk = ?, detail = ? WHERE fax_id = ? AND n = ? AND ended_at IS NULL
                """,
                now, report.result.rawValue, report.sipStatus, report.t30Code, report.pagesSent, report.bitRate, report.ecm,
                report.remoteCSID, report.trunk, report.detail, faxID, attempt)
            try c.execute("DELETE FROM destination_locks WHERE fax_id = ?", faxID)
            // A late report for an attempt that was already closed, or a fax already final, changes nothing more.
            guard state == .sending, try row.get("attempts", as: Int.self) == attempt else { return state }
            let pagesSent = max(try row.get("pages_sent", as: Int.self), report.pagesSent)
            try c.execute("UPDATE faxes SET pages_sent = ? WHERE id = ?", pagesSent, faxID)
            try Self.event(c, faxID, now, "attempt", status: report.result.rawValue, detail: "attempt \(attempt): \(report.result.title)")
            if try row.get("cancel_requested", as: Bool.self) {
                try Self.finish(c, faxID, .cancelled, .cancelled, now)
                return .cancelled
            }
            let decision = RetryRules.decide(
                result: report.result, attempt: attempt, policy: try Self.policy(c, faxID),
                pagesSent: report.pagesSent, pagesTotal: try row.optional("pages"))
            switch decision {
            case .finish(let finalState):
                try Self.finish(c, faxID, finalState, report.result, now)
                return finalState
            case .retry(let after):
                let next = now.addingTimeInterval(after)
                try c.execute(
                    "UPDATE faxes SET state = 'retry_wait', result_code = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?",
                    report.result.rawValue, next, now, faxID)
                try WorkQueue.enqueue(on: c, kind: Self.sendKind, payload: "{\"fax_id\":\(faxID)}", runAt: next, dedupeKey: "fax.send.\(faxID).\(attempt + 1)")
                return .retryWait
            }
        }
    }

    /// Cancels a fax inside `scope` at any state before final: at once when no call is up,
    /// otherwise by flagging it so telephony hangs up and the report ends it as cancelled.
    @discardableResult
    public func cancel(faxID: Int64, scope: AccountScope, now: Date = Date()) async throws -> FaxState {
        try await database.transaction { c in
            guard let row = try c.query(
                "SELECT f.state FROM faxes f JOIN accounts a ON a.id = f.account_id WHERE f.id = ? AND a.path LIKE ? FOR UPDATE",
                faxID, scope.pathPattern
            ).first, let state = FaxState(rawValue: try row.get("state")) else { throw AccountError.notFound }
            if state.isFinal { return state }
            if state == .sending {
                try c.execute("UPDATE faxes SET cancel_requested = 1, updated_at = ? WHERE id = ?", now, faxID)
                try Self.event(c, faxID, now, "cancel", status: "requested", detail: "hanging up the call in progress")
                return .sending
            }
            try Self.finish(c, faxID, .cancelled, .cancelled, now)
            return .cancelled
        }
    }

    /// Whether a cancel was asked for while the call is up (telephony polls this to hang up).
    public func isCancelRequested(faxID: Int64) async throws -> Bool {
        try await database.query("SELECT cancel_requested FROM faxes WHERE id = ?", faxID).first?.get("cancel_requested") ?? true
    }

    // MARK: - Helpers

    private static func finish(_ c: DatabaseConnection, _ faxID: Int64, _ state: FaxState, _ result: ResultCode, _ now: Date) throws {
        try c.execute(
            "UPDATE faxes SET state = ?, result_code = ?, next_attempt_at = NULL, completed_at = ?, updated_at = ? WHERE id = ?",
            state.rawValue, result.rawValue, now, now, faxID)
        try c.execute("DELETE FROM destination_locks WHERE fax_id = ?", faxID)
        try event(c, faxID, now, "completed", status: state.rawValue, detail: result.title)
        try WebhookEvent.record(on: c, faxID: faxID, state: state, now: now)
        if state != .cancelled { try FaxNotice.record(on: c, faxID: faxID, notice: .final, now: now) }
        if state != .cancelled { try OutboundArchive.record(on: c, faxID: faxID, now: now) }
    }

    private static func policy(_ c: DatabaseConnection, _ faxID: Int64) throws -> RetryPolicy {
        let row = try c.query("SELECT max_attempts, retry_interval_seconds FROM faxes WHERE id = ?", faxID)[0]
        return RetryPolicy(attempts: try row.get("max_attempts"), intervalSeconds: try row.get("retry_interval_seconds"))
    }

    static func event(_ c: DatabaseConnection, _ faxID: Int64, _ at: Date, _ type: String, target: String? = nil, status: String, detail: String? = nil) throws {
        try c.execute(
            "INSERT INTO fax_events (fax_id, at, type, target, status, detail) VALUES (?, ?, ?, ?, ?, ?)",
            faxID, at, type, target, status, detail.map { String($0.prefix(500)) })
    }

    private static let utc: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()
    static func startOfDay(_ d: Date) -> Date { utc.startOfDay(for: d) }
    static func startOfMonth(_ d: Date) -> Date { utc.date(from: utc.dateComponents([.year, .month], from: d))! }
}
