import Foundation
import Hummingbird
import PagewireCore

/// `GET /v1/audit-log`: an administrator's search of the audit log of their subtree (sign-ins,
/// document views and downloads, settings and key changes), as JSON or, with `format=csv`, as a
/// CSV export. Needs the `reports` administrator right; the subtree is the node it was granted on.
struct AuditLogController {
    let log: AuditLog
    let users: UserRepository
    let accounts: AccountRepository

    init(database: Database) {
        log = AuditLog(database: database)
        users = UserRepository(database: database)
        accounts = AccountRepository(database: database)
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("audit-log", use: search)
    }

    @Sendable func search(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        // The highest node the caller holds the reports right on: its subtree is what they may read.
        let grants = try await users.grants(of: principal.userID).filter { $0.allows(.reports, on: $0.account) }
        guard let grant = grants.min(by: { $0.account.path.count < $1.account.path.count }) else { throw Self.forbidden }
        let q = request.uri.queryParameters
        var filter = AuditFilter()
        filter.from = try FaxesController.date(q["from"].map(String.init), field: "from")
        filter.until = try FaxesController.date(q["until"].map(String.init), field: "until")
        if let actions = q["action"] {
            for piece in actions.split(separator: ",") {
                guard let action = AuditAction(rawValue: String(piece)) else { throw Problem.invalid("unknown action '\(piece)'", field: "action") }
                filter.actions.append(action)
            }
        }
        filter.actorUserID = try FaxesController.integer(q["user_id"].map(String.init), field: "user_id")
        if let accountID = try FaxesController.integer(q["account_id"].map(String.init), field: "account_id") {
            // Another tenant's node reads as not found, like every other id.
            guard try await accounts.get(accountID, scope: AccountScope(rootID: grant.account.id, path: grant.account.path)) != nil else {
                throw Problem.notFound()
            }
            filter.accountID = accountID
        }
        let format = q["format"].map(String.init) ?? "json"
        switch format {
        case "csv":
            let csv = try await log.csv(scopePath: grant.account.path, filter: filter)
            return Response(
                status: .ok,
                headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"audit-log.csv\""],
                body: .init(byteBuffer: ByteBuffer(string: csv)))
        case "json":
            let limit = try FaxesController.integer(q["limit"].map(String.init), field: "limit").map(Int.init) ?? 100
            guard (1...500).contains(limit) else { throw Problem.invalid("limit is between 1 and 500", field: "limit") }
            let offset = try FaxesController.integer(q["offset"].map(String.init), field: "offset").map(Int.init) ?? 0
            guard offset >= 0 else { throw Problem.invalid("offset is 0 or more", field: "offset") }
            let entries = try await log.entries(scopePath: grant.account.path, filter: filter, limit: limit, offset: offset)
            return try APIJSON.response(Page(entries: entries.map(Entry.init)))
        default:
            throw Problem.invalid("format is json or csv", field: "format")
        }
    }

    static let forbidden = Problem("forbidden", status: .forbidden, title: "Forbidden",
                                   detail: "reading the audit log needs the 'reports' administrator right")

    struct Page: Encodable {
        var entries: [Entry]
    }

    struct Entry: Encodable {
        var id: Int64
        var at: Date
        var accountId: Int64
        var actorKind: String
        var actorUserId: Int64?
        var actorLabel: String
        var ip: String?
        var action: String
        var targetType: String
        var targetId: String
        var detail: String

        init(_ e: AuditEntry) {
            id = e.id
            at = e.at
            accountId = e.accountID
            actorKind = e.actor.kind.rawValue
            actorUserId = e.actor.userID
            actorLabel = e.actor.label
            ip = e.actor.ip
            action = e.action
            targetType = e.targetType
            targetId = e.targetID
            detail = e.detail
        }
    }
}
