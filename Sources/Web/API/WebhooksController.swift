import Foundation
import Hummingbird
import PagewireCore

/// `/v1/webhooks`: a company's endpoints, their delivery log and redelivery. Managing them needs
/// the `apps` admin right over the company; another company's ids read as not found.
struct WebhooksController {
    let webhooks: WebhookRepository
    let users: UserRepository
    let accounts: AccountRepository
    let allowPrivateTargets: Bool

    init(database: Database, transit: TransitKeyring, allowPrivateTargets: Bool) {
        webhooks = WebhookRepository(database: database, transit: transit)
        users = UserRepository(database: database)
        accounts = AccountRepository(database: database)
        self.allowPrivateTargets = allowPrivateTargets
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.post("webhooks", use: create)
        group.get("webhooks", use: list)
        group.delete("webhooks/{id}", use: delete)
        group.get("webhooks/{id}/deliveries", use: deliveries)
        group.post("webhook-deliveries/{id}/redeliver", use: redeliver)
    }

    struct CreateRequest: Decodable {
        var url: String
        var events: [String]
    }

    struct EndpointResource: Encodable {
        var id: Int64
        var url: String
        var events: [String]
        var active: Bool
        var createdAt: Date
        /// Only in the answer to the creation.
        var secret: String?

        init(_ e: WebhookEndpoint, secret: String? = nil) {
            id = e.id
            url = e.url
            events = e.events.map(\.rawValue)
            active = e.active
            createdAt = e.createdAt
            self.secret = secret
        }
    }

    struct DeliveryResource: Encodable {
        var id: Int64
        var endpointId: Int64
        var faxId: Int64
        var event: String
        var status: String
        var attempts: Int
        var lastStatusCode: Int?
        var lastError: String?
        var createdAt: Date
        var lastAttemptAt: Date?
        var deliveredAt: Date?

        init(_ d: WebhookDelivery) {
            id = d.id
            endpointId = d.endpointID
            faxId = d.faxID
            event = d.event.rawValue
            status = d.status
            attempts = d.attempts
            lastStatusCode = d.lastStatusCode
            lastError = d.lastError
            createdAt = d.createdAt
            lastAttemptAt = d.lastAttemptAt
            deliveredAt = d.deliveredAt
        }
    }

    struct Page<T: Encodable>: Encodable { var data: [T] }

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let companyID = try await authorisedCompany(context)
        let body = try await request.body.collect(upTo: 64 * 1024)
        let input = try APIJSON.decoder.decode(CreateRequest.self, from: Data(body.readableBytesView))
        var events: [WebhookEvent] = []
        for name in input.events {
            guard let event = WebhookEvent(rawValue: name) else {
                throw Problem.invalid("unknown event '\(name)'; use \(WebhookEvent.allCases.map(\.rawValue).joined(separator: ", "))", field: "events")
            }
            events.append(event)
        }
        guard !events.isEmpty else { throw Problem.invalid("subscribe to at least one event", field: "events") }
        do {
            _ = try await WebhookTargetPolicy.check(input.url, allowPrivate: allowPrivateTargets)
        } catch let error as WebhookTargetError {
            throw Problem.invalid(error.description, field: "url")
        }
        let (endpoint, secret) = try await webhooks.create(companyID: companyID, url: input.url, events: events, userID: context.principal?.userID)
        return try APIJSON.response(EndpointResource(endpoint, secret: secret), status: .created)
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let companyID = try await authorisedCompany(context)
        return try APIJSON.response(Page(data: try await webhooks.list(companyID: companyID).map { EndpointResource($0) }))
    }

    @Sendable func delete(_ request: Request, context: APIRequestContext) async throws -> Response {
        let companyID = try await authorisedCompany(context)
        guard try await webhooks.delete(try Self.id(context), companyID: companyID) else { throw Problem.notFound("no such webhook endpoint") }
        return Response(status: .noContent)
    }

    @Sendable func deliveries(_ request: Request, context: APIRequestContext) async throws -> Response {
        let companyID = try await authorisedCompany(context)
        guard let log = try await webhooks.deliveries(endpointID: try Self.id(context), companyID: companyID) else {
            throw Problem.notFound("no such webhook endpoint")
        }
        return try APIJSON.response(Page(data: log.map(DeliveryResource.init)))
    }

    @Sendable func redeliver(_ request: Request, context: APIRequestContext) async throws -> Response {
        let companyID = try await authorisedCompany(context)
        guard let delivery = try await webhooks.redeliver(try Self.id(context), companyID: companyID) else {
            throw Problem.notFound("no such webhook delivery")
        }
        return try APIJSON.response(DeliveryResource(delivery), status: .accepted)
    }

    /// The caller's company, when the caller holds the `apps` right over it.
    private func authorisedCompany(_ context: APIRequestContext) async throws -> Int64 {
        let principal = try context.requirePrincipal()
        guard let companyID = principal.companyID,
              // The caller's own company, which may lie above a department user's scope.
              let company = try await accounts.get(companyID, scope: AccountScope(rootID: companyID, path: "/"))
        else { throw Self.forbidden }
        let grants = try await users.grants(of: principal.userID)
        guard grants.contains(where: { $0.allows(.apps, on: company) }) else { throw Self.forbidden }
        return companyID
    }

    static let forbidden = Problem("forbidden", status: .forbidden, title: "Forbidden",
                                   detail: "managing webhooks needs the 'apps' administrator right over your company")

    static func id(_ context: APIRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self), id > 0 else { throw Problem.notFound() }
        return id
    }
}
