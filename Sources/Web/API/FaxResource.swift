import Foundation
import PagewireCore

/// A fax as `/v1` shows it (snake_case through `APIJSON`).
struct FaxResource: Encodable {
    var id: Int64
    var direction: String
    var status: String
    var resultCode: String?
    var resultMessage: String?
    var remoteNumber: String
    var callerId: String?
    var quality: String
    var pages: Int?
    var pagesSent: Int
    var attemptCount: Int
    var maxAttempts: Int
    var retryIntervalSeconds: Int
    var cancelRequested: Bool
    var accountId: Int64
    var userId: Int64?
    var idempotencyKey: String?
    var scheduledAt: Date?
    var nextAttemptAt: Date?
    var createdAt: Date
    var updatedAt: Date
    var completedAt: Date?
    var attempts: [Attempt]?
    var events: [Event]?
    var documents: [Document]?

    struct Attempt: Encodable {
        var number: Int
        var startedAt: Date
        var endedAt: Date?
        var resultCode: String?
        var sipStatus: Int?
        var t30Code: Int?
        var pagesSent: Int
        var bitRate: Int?
        var ecm: Bool?
        var remoteCsid: String?
        var detail: String?
    }

    struct Event: Encodable {
        var at: Date
        var type: String
        var target: String?
        var status: String
        var detail: String?
    }

    struct Document: Encodable {
        var role: String
        var index: Int
        var documentId: Int64
        var contentType: String
        var bytes: Int
        var state: String
    }

    init(_ f: FaxRecord) {
        id = f.id
        direction = f.direction
        status = f.state.rawValue
        resultCode = f.resultCode?.rawValue
        resultMessage = f.resultCode?.explanation
        remoteNumber = f.remoteNumber
        callerId = f.callerID
        quality = f.quality.rawValue
        pages = f.pages
        pagesSent = f.pagesSent
        attemptCount = f.attempts
        maxAttempts = f.maxAttempts
        retryIntervalSeconds = f.retryIntervalSeconds
        cancelRequested = f.cancelRequested
        accountId = f.accountID
        userId = f.userID
        idempotencyKey = f.idempotencyKey
        scheduledAt = f.scheduledAt
        nextAttemptAt = f.nextAttemptAt
        createdAt = f.createdAt
        updatedAt = f.updatedAt
        completedAt = f.completedAt
    }

    init(_ d: FaxDetail) {
        self.init(d.fax)
        attempts = d.attempts.map {
            Attempt(number: $0.n, startedAt: $0.startedAt, endedAt: $0.endedAt, resultCode: $0.resultCode?.rawValue,
                    sipStatus: $0.sipStatus, t30Code: $0.t30Code, pagesSent: $0.pagesSent, bitRate: $0.bitRate, ecm: $0.ecm,
                    remoteCsid: $0.remoteCSID, detail: $0.detail)
        }
        events = d.events.map { Event(at: $0.at, type: $0.type, target: $0.target, status: $0.status, detail: $0.detail) }
        documents = d.documents.map {
            Document(role: $0.role, index: $0.n, documentId: $0.documentID, contentType: $0.contentType, bytes: $0.byteCount, state: $0.state)
        }
    }
}

/// The answer to an accepted submission (202).
struct SubmissionAccepted: Encodable {
    var faxes: [Item]
    struct Item: Encodable {
        var id: Int64
        var remoteNumber: String
        var status: String
    }
}

/// A page of faxes.
struct FaxPage: Encodable {
    var data: [FaxResource]
    var nextCursor: String?
}

/// The outcome of a cancel, single or in bulk.
struct CancelOutcome: Encodable {
    var id: Int64
    /// `cancelled`, `cancelling` (a call is up; it ends as cancelled), `already_final` or `not_found`.
    var outcome: String
    var status: String?
}

struct BulkCancelRequest: Decodable {
    var ids: [Int64]
}

struct BulkCancelResult: Encodable {
    var results: [CancelOutcome]
}

struct ResendRequest: Decodable {
    var recipient: String?
}
