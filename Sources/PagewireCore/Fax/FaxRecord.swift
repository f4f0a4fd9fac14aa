import Foundation

/// One fax as the API and the portal show it (metadata only, never content).
public struct FaxRecord: Sendable, Equatable {
    public let id: Int64
    public var direction: String
    public var state: FaxState
    public var resultCode: ResultCode?
    public var accountID: Int64
    public var companyID: Int64
    public var userID: Int64?
    public var remoteNumber: String
    public var callerID: String?
    public var quality: FaxQuality
    public var pages: Int?
    public var pagesSent: Int
    public var attempts: Int
    public var maxAttempts: Int
    public var retryIntervalSeconds: Int
    public var cancelRequested: Bool
    public var idempotencyKey: String?
    public var scheduledAt: Date?
    public var nextAttemptAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    public var completedAt: Date?

    init(row: SQLRow) throws(DatabaseError) {
        id = try row.get("id")
        direction = try row.get("direction")
        guard let state = FaxState(rawValue: try row.get("state")) else { throw DatabaseError(.decoding, "unknown fax state") }
        self.state = state
        resultCode = try row.optional("result_code", as: String.self).flatMap(ResultCode.init(rawValue:))
        accountID = try row.get("account_id")
        companyID = try row.get("company_id")
        userID = try row.optional("user_id")
        remoteNumber = try row.get("remote_number")
        callerID = try row.optional("caller_id")
        quality = FaxQuality(rawValue: try row.get("quality")) ?? .fine
        pages = try row.optional("pages")
        pagesSent = try row.get("pages_sent")
        attempts = try row.get("attempts")
        maxAttempts = try row.get("max_attempts")
        retryIntervalSeconds = try row.get("retry_interval_seconds")
        cancelRequested = try row.get("cancel_requested")
        idempotencyKey = try row.optional("idempotency_key")
        scheduledAt = try row.optional("scheduled_at")
        nextAttemptAt = try row.optional("next_attempt_at")
        createdAt = try row.get("created_at")
        updatedAt = try row.get("updated_at")
        completedAt = try row.optional("completed_at")
    }

    /// Columns of `faxes f` in the order `init(row:)` reads them.
    static let columns = """
        f.id, f.direction, f.state, f.result_code, f.account_id, f.company_id, f.user_id, f.remote_number, f.caller_id,
        f.quality, f.pages, f.pages_sent, f.attempts, f.max_attempts, f.retry_interval_seconds, f.cancel_requested,
        f.idempotency_key, f.scheduled_at, f.next_attempt_at, f.created_at, f.updated_at, f.completed_at
        """
}

/// One call made for a fax (`fax_attempts`).
public struct FaxAttemptRecord: Sendable, Equatable {
    public var n: Int
    public var startedAt: Date
    public var endedAt: Date?
    public var resultCode: ResultCode?
    public var sipStatus: Int?
    public var t30Code: Int?
    public var pagesSent: Int
    public var bitRate: Int?
    public var ecm: Bool?
    public var remoteCSID: String?
    public var trunk: String?
    public var detail: String?
}

/// One message event of a fax (`fax_events`).
public struct FaxEventRecord: Sendable, Equatable {
    public var at: Date
    public var type: String
    public var target: String?
    public var status: String
    public var detail: String?
}

/// A document attached to a fax (`fax_documents` joined with `documents`).
public struct FaxDocumentRecord: Sendable, Equatable {
    public var n: Int
    public var role: String
    public var documentID: Int64
    public var contentType: String
    public var byteCount: Int
    public var state: String
}

/// A fax with everything the detail view shows.
public struct FaxDetail: Sendable, Equatable {
    public var fax: FaxRecord
    public var attempts: [FaxAttemptRecord]
    public var events: [FaxEventRecord]
    /// Originals, the cover page's words (role `cover`, encrypted like any content) and renderings.
    public var documents: [FaxDocumentRecord]
}

/// Filters for listing faxes; nil means "any".
public struct FaxFilter: Sendable, Equatable {
    public var direction: String?
    public var states: [FaxState]
    public var createdFrom: Date?
    public var createdBefore: Date?
    /// Matches the remote number exactly (E.164).
    public var remoteNumber: String?
    public var userID: Int64?
    /// A department or company: faxes filed there or below.
    public var accountID: Int64?

    public init(direction: String? = nil, states: [FaxState] = [], createdFrom: Date? = nil, createdBefore: Date? = nil,
                remoteNumber: String? = nil, userID: Int64? = nil, accountID: Int64? = nil) {
        self.direction = direction
        self.states = states
        self.createdFrom = createdFrom
        self.createdBefore = createdBefore
        self.remoteNumber = remoteNumber
        self.userID = userID
        self.accountID = accountID
    }
}
