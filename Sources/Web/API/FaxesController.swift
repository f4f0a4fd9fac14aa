import Foundation
import Hummingbird
import Logging
import PagewireCore

/// `/v1/faxes`: submit, read, list, cancel, resend and download. Every id-based route looks the
/// fax up inside the caller's account scope, so another tenant's id is a 404.
struct FaxesController {
    let scheduler: FaxScheduler
    let faxes: FaxRepository
    let documents: DocumentStore
    let maxBodyBytes: Int

    init(database: Database, documents: DocumentStore, maxBodyBytes: Int) {
        self.scheduler = FaxScheduler(database: database)
        self.faxes = FaxRepository(database: database)
        self.documents = documents
        self.maxBodyBytes = maxBodyBytes
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.post("faxes", use: submit)
        group.get("faxes", use: list)
        group.post("faxes/cancel", use: bulkCancel)
        group.get("faxes/{id}", use: show)
        group.post("faxes/{id}/cancel", use: cancel)
        group.post("faxes/{id}/resend", use: resend)
        group.get("faxes/{id}/documents/{index}", use: downloadOriginal)
        group.get("faxes/{id}/pages", use: downloadPages)
        group.get("faxes/{id}/report", use: report)
    }

    // MARK: - Read

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let detail = try await faxes.detail(try Self.id(context), scope: principal.scope) else { throw Problem.notFound("no such fax") }
        return try APIJSON.response(FaxResource(detail))
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let q = request.uri.queryParameters
        var filter = FaxFilter()
        if let d = q["direction"].map(String.init) {
            guard ["outbound", "inbound"].contains(d) else { throw Problem.invalid("direction is outbound or inbound", field: "direction") }
            filter.direction = d
        }
        if let s = q["status"] {
            for piece in s.split(separator: ",") {
                guard let state = FaxState(rawValue: String(piece)) else { throw Problem.invalid("unknown status '\(piece)'", field: "status") }
                filter.states.append(state)
            }
        }
        filter.createdFrom = try Self.date(q["created_from"].map(String.init), field: "created_from")
        filter.createdBefore = try Self.date(q["created_before"].map(String.init), field: "created_before")
        if let n = q["number"].map(String.init) {
            guard let number = try? E164Number(parsing: n) else { throw Problem.invalid("number is not a valid phone number", field: "number") }
            filter.remoteNumber = number.value
        }
        filter.userID = try Self.integer(q["user_id"].map(String.init), field: "user_id")
        filter.accountID = try Self.integer(q["account_id"].map(String.init), field: "account_id")
        let limit = try Self.integer(q["limit"].map(String.init), field: "limit").map(Int.init) ?? 25
        guard (1...100).contains(limit) else { throw Problem.invalid("limit is between 1 and 100", field: "limit") }
        var before: Int64?
        if let cursor = q["cursor"].map(String.init) {
            guard cursor.hasPrefix("f"), let id = Int64(cursor.dropFirst(), radix: 36), id > 0 else {
                throw Problem.invalid("cursor is not one this API returned", field: "cursor")
            }
            before = id
        }
        let rows = try await faxes.list(filter, scope: principal.scope, before: before, limit: limit + 1)
        let page = Array(rows.prefix(limit))
        let next = rows.count > limit ? page.last.map { "f" + String($0.id, radix: 36) } : nil
        return try APIJSON.response(FaxPage(data: page.map(FaxResource.init), nextCursor: next))
    }

    // MARK: - Cancel

    @Sendable func cancel(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let outcome = try await cancelOne(try Self.id(context), scope: principal.scope)
        switch outcome.outcome {
        case "not_found": throw Problem.notFound("no such fax")
        case "already_final": throw Problem.conflict("fax-final", "the fax is already \(outcome.status ?? "final") and cannot be cancelled")
        case "cancelling": return try APIJSON.response(outcome, status: .accepted)
        default: return try APIJSON.response(outcome)
        }
    }

    @Sendable func bulkCancel(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try await request.body.collect(upTo: min(maxBodyBytes, 1 << 20))
        let input = try APIJSON.decoder.decode(BulkCancelRequest.self, from: Data(body.readableBytesView))
        guard !input.ids.isEmpty, input.ids.count <= 500 else { throw Problem.invalid("ids holds 1 to 500 fax ids", field: "ids") }
        var results: [CancelOutcome] = []
        for id in input.ids { results.append(try await cancelOne(id, scope: principal.scope)) }
        return try APIJSON.response(BulkCancelResult(results: results))
    }

    private func cancelOne(_ id: Int64, scope: AccountScope) async throws -> CancelOutcome {
        let state: FaxState
        do {
            guard let current = try await faxes.detail(id, scope: scope)?.fax.state else { return CancelOutcome(id: id, outcome: "not_found") }
            if current.isFinal {
                return CancelOutcome(id: id, outcome: current == .cancelled ? "cancelled" : "already_final", status: current.rawValue)
            }
            state = try await scheduler.cancel(faxID: id, scope: scope)
        } catch let error as AccountError where error == .notFound {
            return CancelOutcome(id: id, outcome: "not_found")
        }
        switch state {
        case .cancelled: return CancelOutcome(id: id, outcome: "cancelled", status: state.rawValue)
        case .sending: return CancelOutcome(id: id, outcome: "cancelling", status: state.rawValue)
        default: return CancelOutcome(id: id, outcome: "already_final", status: state.rawValue)
        }
    }

    // MARK: - Download

    @Sendable func downloadOriginal(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try Self.id(context)
        guard let index = context.parameters.get("index", as: Int.self) else { throw Problem.notFound("no such document") }
        guard let detail = try await faxes.detail(id, scope: principal.scope) else { throw Problem.notFound("no such fax") }
        guard let document = detail.documents.first(where: { $0.role == "original" && $0.n == index }) else {
            throw Problem.notFound("the fax has no original document \(index)")
        }
        return try await stream(document, of: detail, principal: principal, filename: "fax-\(id)-\(index)")
    }

    func stream(_ document: FaxDocumentRecord, of detail: FaxDetail, principal: APIPrincipal, filename: String) async throws -> Response {
        // Pages are for the company's own people. Platform operators and reseller staff see a
        // fax's metadata in their subtree, never its content (the vault's promise).
        guard principal.companyID == detail.fax.companyID else {
            throw Problem("no-access-to-content", status: .forbidden, title: "No access to content",
                          detail: "only users of the fax's company can read its documents")
        }
        let content = try await documents.open(document.documentID, companyID: detail.fax.companyID, reader: .system(purpose: "api download by user \(principal.userID)"))
        var headers: HTTPFields = [:]
        headers[.contentType] = document.contentType
        headers[.contentLength] = String(content.byteCount)
        headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
        return Response(status: .ok, headers: headers, body: .init(asyncSequence: content.map { ByteBuffer(bytes: $0) }))
    }

    // MARK: - Helpers

    static func id(_ context: APIRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self), id > 0 else { throw Problem.notFound("no such fax") }
        return id
    }

    static func integer(_ text: String?, field: String) throws -> Int64? {
        guard let text else { return nil }
        guard let n = Int64(text) else { throw Problem.invalid("\(field) must be a whole number", field: field) }
        return n
    }

    static func date(_ text: String?, field: String) throws -> Date? {
        guard let text else { return nil }
        guard let d = ISO8601DateFormatter().date(from: text) else { throw Problem.invalid("\(field) must be an RFC 3339 time", field: field) }
        return d
    }
}
