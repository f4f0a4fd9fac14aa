import Foundation
import Hummingbird
import PagewireCore

/// `/v1/inbound` (Inbound Web Services): received faxes since a cursor, one fax with its
/// deliveries, its document, acknowledgement, and resubmission through the routes configured
/// now. Every id is looked up inside the caller's account scope, so another tenant's id is a 404.
struct InboundController {
    let deliveries: InboundDeliveries
    let documents: DocumentStore
    let maxBodyBytes: Int

    init(database: Database, documents: DocumentStore, maxBodyBytes: Int) {
        self.deliveries = InboundDeliveries(database: database)
        self.documents = documents
        self.maxBodyBytes = maxBodyBytes
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("inbound", use: list)
        group.post("inbound/resubmit", use: resubmit)
        group.get("inbound/{id}", use: show)
        group.get("inbound/{id}/document", use: document)
        group.post("inbound/{id}/acknowledge", use: acknowledge)
    }

    // MARK: - Read

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let q = request.uri.queryParameters
        let limit = try FaxesController.integer(q["limit"].map(String.init), field: "limit").map(Int.init) ?? 50
        guard (1...200).contains(limit) else { throw Problem.invalid("limit is between 1 and 200", field: "limit") }
        var after: Int64 = 0
        if let cursor = q["cursor"].map(String.init) {
            guard cursor.hasPrefix("i"), let id = Int64(cursor.dropFirst(), radix: 36), id >= 0 else {
                throw Problem.invalid("cursor is not one this API returned", field: "cursor")
            }
            after = id
        }
        var includeAcknowledged = false
        if let text = q["include_acknowledged"].map(String.init) {
            guard let flag = Bool(text) else { throw Problem.invalid("include_acknowledged is true or false", field: "include_acknowledged") }
            includeAcknowledged = flag
        }
        let faxes = try await deliveries.list(scope: principal.scope, after: after, includeAcknowledged: includeAcknowledged, limit: limit)
        // The cursor moves past what was returned; poll with it for faxes received later.
        let next = "i" + String(faxes.last?.id ?? after, radix: 36)
        return try APIJSON.response(InboundPage(data: faxes.map { InboundResource($0) }, nextCursor: next))
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let fax = try await deliveries.fax(try FaxesController.id(context), scope: principal.scope) else { throw Problem.notFound("no such inbound fax") }
        let routes = try await deliveries.deliveries(faxID: fax.id).map {
            InboundResource.Delivery(round: $0.round, route: $0.route, target: $0.target, status: $0.status, attempts: $0.attempts, lastError: $0.lastError)
        }
        return try APIJSON.response(InboundResource(fax, deliveries: routes))
    }

    /// The pages as delivered (stamped): `format=pdf` (default) or `tiff`.
    @Sendable func document(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let fax = try await deliveries.fax(try FaxesController.id(context), scope: principal.scope) else { throw Problem.notFound("no such inbound fax") }
        let format = request.uri.queryParameters["format"].map(String.init) ?? "pdf"
        guard ["pdf", "tiff"].contains(format) else { throw Problem.invalid("format is pdf or tiff", field: "format") }
        guard principal.companyID == fax.companyID else {
            throw Problem("no-access-to-content", status: .forbidden, title: "No access to content",
                          detail: "only users of the fax's company can read its documents")
        }
        guard fax.receivedDocumentID != nil else { throw Problem.notFound("no page was received for this fax") }
        let documentID = format == "pdf" ? fax.deliveryPDFID : (fax.deliveryTIFFID ?? fax.receivedDocumentID)
        guard let documentID else {
            throw Problem.conflict("document-not-ready", "the PDF is made when delivery starts; try again shortly or ask for format=tiff")
        }
        let content = try await documents.open(documentID, companyID: fax.companyID, reader: .system(purpose: "inbound API download by user \(principal.userID)"))
        var headers: HTTPFields = [:]
        headers[.contentType] = format == "pdf" ? "application/pdf" : "image/tiff"
        headers[.contentLength] = String(content.byteCount)
        headers[.contentDisposition] = "attachment; filename=\"fax-\(fax.id).\(format == "pdf" ? "pdf" : "tif")\""
        return Response(status: .ok, headers: headers, body: .init(asyncSequence: content.map { ByteBuffer(bytes: $0) }))
    }

    // MARK: - Change

    @Sendable func acknowledge(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let fax = try await deliveries.acknowledge(try FaxesController.id(context), scope: principal.scope, by: principal.userID) else {
            throw Problem.notFound("no such inbound fax")
        }
        return try APIJSON.response(InboundResource(fax))
    }

    struct ResubmitRequest: Decodable {
        var ids: [Int64]?
        var filter: Filter?
        struct Filter: Decodable {
            var receivedFrom: Date?
            var receivedBefore: Date?
            var status: [String]?
        }
    }

    struct ResubmitResult: Encodable {
        var results: [ResubmitOutcome]
    }

    /// Re-delivers faxes named by id or by a filter (at most 500), through the routes configured now.
    @Sendable func resubmit(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try await request.body.collect(upTo: min(maxBodyBytes, 1 << 20))
        let input = try APIJSON.decoder.decode(ResubmitRequest.self, from: Data(body.readableBytesView))
        let ids: [Int64]
        switch (input.ids, input.filter) {
        case (let list?, nil):
            guard !list.isEmpty, list.count <= 500 else { throw Problem.invalid("ids holds 1 to 500 fax ids", field: "ids") }
            ids = list
        case (nil, let filter?):
            var states: [FaxState] = []
            for name in filter.status ?? [] {
                guard let state = FaxState(rawValue: name) else { throw Problem.invalid("unknown status '\(name)'", field: "filter.status") }
                states.append(state)
            }
            ids = try await deliveries.ids(scope: principal.scope, receivedFrom: filter.receivedFrom, before: filter.receivedBefore, states: states, limit: 500)
        default:
            throw Problem.invalid("give either ids or filter", field: "ids")
        }
        let outcomes = try await deliveries.resubmit(ids, scope: principal.scope)
        return try APIJSON.response(ResubmitResult(results: outcomes))
    }
}

/// A received fax as `/v1/inbound` shows it.
struct InboundResource: Encodable {
    var id: Int64
    var status: String
    var resultCode: String?
    var receivedAt: Date
    var callerNumber: String
    var calledNumber: String
    var remoteId: String?
    var pages: Int
    /// Reception ended early: pages may be missing.
    var potentiallyPartial: Bool
    var queue: String?
    var deliveryRound: Int
    var acknowledgedAt: Date?
    var documentUrl: String?
    var deliveries: [Delivery]?

    struct Delivery: Encodable {
        var round: Int
        var route: String
        var target: String
        var status: String
        var attempts: Int
        var lastError: String?
    }

    init(_ fax: InboundFax, deliveries: [Delivery]? = nil) {
        id = fax.id
        status = fax.state.rawValue
        resultCode = fax.resultCode?.rawValue
        receivedAt = fax.receivedAt
        callerNumber = fax.callerNumber
        calledNumber = fax.calledNumber
        remoteId = fax.remoteCSID
        pages = fax.pages
        potentiallyPartial = fax.partial
        queue = fax.queueName
        deliveryRound = fax.deliveryRound
        acknowledgedAt = fax.acknowledgedAt
        documentUrl = fax.receivedDocumentID == nil ? nil : "/v1/inbound/\(fax.id)/document"
        self.deliveries = deliveries
    }
}

/// One page of `GET /v1/inbound`.
struct InboundPage: Encodable {
    var data: [InboundResource]
    var nextCursor: String
}
