import Foundation
import Hummingbird
import PagewireCore

/// E-mail to fax administration over `/v1`: a company's fax domains and a user's registered
/// sending addresses. Rights are those of `MailAdministration` (`settings` for domains,
/// `manage_users` for addresses, read-only admins may list); another tenant's ids read as not found.
struct MailAdministrationController {
    let administration: MailAdministration

    init(database: Database) {
        administration = MailAdministration(database: database)
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("accounts/{account}/fax-domains", use: listDomains)
        group.post("accounts/{account}/fax-domains", use: addDomain)
        group.delete("accounts/{account}/fax-domains/{domain}", use: removeDomain)
        group.get("users/{user}/sending-addresses", use: listAddresses)
        group.post("users/{user}/sending-addresses", use: addAddress)
        group.delete("users/{user}/sending-addresses/{address}", use: removeAddress)
    }

    struct DomainResource: Encodable {
        var domain: String
        var companyId: Int64
    }

    struct AddressResource: Encodable {
        var address: String
        var userId: Int64
    }

    struct Page<T: Encodable>: Encodable { var data: [T] }

    struct DomainRequest: Decodable { var domain: String }
    struct AddressRequest: Decodable { var address: String }

    @Sendable func listDomains(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try Self.id(context)
        let domains = try await refusing { try await administration.domains(adminID: principal.userID, companyID: id) }
        return try APIJSON.response(Page(data: domains.map { DomainResource(domain: $0.domain, companyId: $0.companyID) }))
    }

    @Sendable func addDomain(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try Self.id(context)
        let input = try await Self.decode(DomainRequest.self, request)
        let added = try await refusing(field: "domain") { try await administration.addDomain(input.domain, companyID: id, by: Self.actor(principal)) }
        return try APIJSON.response(DomainResource(domain: added.domain, companyId: added.companyID), status: .created)
    }

    @Sendable func removeDomain(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try Self.id(context)
        let domain = try Self.segment("domain", context)
        try await refusing {
            // The domain must be this company's: any other reads as not found.
            guard try await administration.domains(adminID: principal.userID, companyID: id).contains(where: { $0.domain == FaxDomainRepository.normalise(domain) })
            else { throw MailAdministration.Refusal.notFound }
            try await administration.removeDomain(domain, by: Self.actor(principal))
        }
        return Response(status: .noContent)
    }

    @Sendable func listAddresses(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try Self.id(context)
        let entry = try await refusing { try await administration.sender(id, adminID: principal.userID) }
        return try APIJSON.response(Page(data: entry.addresses.map { AddressResource(address: $0, userId: id) }))
    }

    @Sendable func addAddress(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try Self.id(context)
        let input = try await Self.decode(AddressRequest.self, request)
        try await refusing(field: "address") { try await administration.addAddress(input.address, userID: id, by: Self.actor(principal)) }
        return try APIJSON.response(AddressResource(address: SendingAddressRepository.normalise(input.address), userId: id), status: .created)
    }

    @Sendable func removeAddress(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try Self.id(context)
        let address = try Self.segment("address", context)
        try await refusing { try await administration.removeAddress(address, userID: id, by: Self.actor(principal)) }
        return Response(status: .noContent)
    }

    // MARK: - Helpers

    /// Runs `body`, answering the service's refusals as problem documents.
    private func refusing<T>(field: String? = nil, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let refusal as MailAdministration.Refusal {
            switch refusal {
            case .notFound: throw Problem.notFound()
            case .forbidden: throw Problem("forbidden", status: .forbidden, title: "Forbidden", detail: refusal.description)
            case .invalid(let reason): throw Problem.invalid(reason, field: field)
            case .taken(let reason): throw Problem.conflict("already-registered", reason)
            }
        }
    }

    static func actor(_ principal: APIPrincipal) -> AuditActor {
        .user(principal.userID, label: "api token \(principal.tokenID)")
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        var request = request
        let body = try await request.collectBody(upTo: 16 * 1024)
        return try APIJSON.decoder.decode(type, from: Data(body.readableBytesView))
    }

    static func id(_ context: APIRequestContext) throws -> Int64 {
        // `{account}` or `{user}`: the names the administration routes use at the same depth.
        guard let id = context.parameters.get("account", as: Int64.self) ?? context.parameters.get("user", as: Int64.self), id > 0 else {
            throw Problem.notFound()
        }
        return id
    }

    /// A path segment, percent-decoded (an address's `@` may arrive as `%40`).
    static func segment(_ name: String, _ context: APIRequestContext) throws -> String {
        guard let raw = context.parameters.get(name), let text = raw.removingPercentEncoding, !text.isEmpty, text.count <= 254 else {
            throw Problem.notFound()
        }
        return text
    }
}
