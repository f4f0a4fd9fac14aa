import Foundation
import Hummingbird
import PagewireCore

/// `/v1/accounts/{id}/trunks` and `/v1/trunks/{id}`: the operator's and resellers' SIP
/// providers, their failover order, and "test trunk" (an OPTIONS check by pagewire-telephony).
/// Passwords are write-only.
struct TrunksAPIController: Sendable {
    let database: Database
    /// Wraps the passwords given here (trunk passwords are never stored in clear).
    let transit: TransitKeyring

    func addRoutes(to routes: AdminAPIRoutes) {
        routes.on(.get, "accounts/:account/trunks") { _, _, target in
            let trunks = TrunkRepository(database: database)
            var list: [TrunkResource] = []
            for t in try await trunks.owned(by: target.account.id, scope: target.scope) {
                list.append(TrunkResource(t, check: try await trunks.lastCheck(trunkID: t.id)))
            }
            let order = try await trunks.order(of: target.account.id, scope: target.scope).map(\.id)
            return try APIJSON.response(TrunkList(trunks: list, order: order))
        }
        routes.on(.post, "accounts/:account/trunks") { request, context, target in
            let body = try await request.decode(as: TrunkBody.self, context: context)
            do {
                let stored = try await TrunkRepository(database: database, secrets: transit).create(body.trunk(id: 0), owner: target.account.id, scope: target.scope)
                return try APIJSON.response(TrunkResource(stored, check: nil), status: .created, headers: [.location: "/v1/trunks/\(stored.id)"])
            } catch let error as TrunkAdminError {
                throw Self.problem(error)
            }
        }
        routes.on(.put, "accounts/:account/trunks/order") { request, context, target in
            let body = try await request.decode(as: OrderBody.self, context: context)
            do {
                try await TrunkRepository(database: database).setOrder(body.trunkIds, forAccount: target.account.id, scope: target.scope)
            } catch let error as TrunkAdminError {
                throw Self.problem(error)
            }
            return try APIJSON.response(OrderBody(trunkIds: body.trunkIds))
        }
        routes.on(.patch, "trunks/:trunk") { request, context, target in
            guard let id = target.trunkID else { throw Problem.notFound() }
            let body = try await request.decode(as: TrunkBody.self, context: context)
            let trunks = TrunkRepository(database: database, secrets: transit)
            do {
                try await trunks.update(body.trunk(id: id), scope: target.scope)
            } catch let error as TrunkAdminError {
                throw Self.problem(error)
            }
            guard let updated = try await trunks.get(id, scope: target.scope) else { throw Problem.notFound() }
            return try APIJSON.response(TrunkResource(updated, check: try await trunks.lastCheck(trunkID: id)))
        }
        routes.on(.delete, "trunks/:trunk") { _, _, target in
            guard let id = target.trunkID else { throw Problem.notFound() }
            try await TrunkRepository(database: database).delete(id, scope: target.scope)
            return Response(status: .noContent)
        }
        routes.on(.post, "trunks/:trunk/check") { _, _, target in
            guard let id = target.trunkID else { throw Problem.notFound() }
            let trunks = TrunkRepository(database: database)
            try await trunks.requestCheck(trunkID: id)
            guard let trunk = try await trunks.get(id, scope: target.scope) else { throw Problem.notFound() }
            return try APIJSON.response(TrunkResource(trunk, check: try await trunks.lastCheck(trunkID: id)), status: .accepted)
        }
    }

    static func problem(_ error: TrunkAdminError) -> Problem {
        switch error {
        case .notFound: .notFound()
        case .nameTaken: .conflict("trunk-name-taken", error.description)
        case .invalid(let reason): .invalid(reason)
        }
    }

    struct TrunkBody: Decodable {
        var name: String
        var host: String
        var port: Int?
        var transport: String?
        /// Absent or null: IP authentication only.
        var username: String?
        /// Write-only; on update, absent keeps the stored one.
        var password: String?
        var maxChannels: Int?
        var active: Bool?
        var t38: Bool?
        var ecm: Bool?

        func trunk(id: Int64) -> Trunk {
            Trunk(id: id, name: name.trimmingCharacters(in: .whitespaces), active: active ?? true, host: host.trimmingCharacters(in: .whitespaces),
                  port: port ?? 5060, transport: transport ?? "udp", username: username?.isEmpty == true ? nil : username,
                  password: username == nil ? nil : password, maxChannels: maxChannels ?? 30, t38Allowed: t38 ?? true, ecm: ecm ?? true)
        }
    }

    struct OrderBody: Codable {
        var trunkIds: [Int64]
    }

    struct CheckResource: Encodable {
        var at: Date
        var up: Bool
        var sipStatus: Int?
        var roundTripMs: Int?
        var detail: String
    }

    struct TrunkResource: Encodable {
        var id: Int64
        var name: String
        var host: String
        var port: Int
        var transport: String
        var authentication: String
        var username: String?
        var maxChannels: Int
        var active: Bool
        var t38: Bool
        var ecm: Bool
        var lastCheck: CheckResource?

        init(_ t: Trunk, check: TrunkCheck?) {
            id = t.id
            name = t.name
            host = t.host
            port = t.port
            transport = t.transport
            authentication = t.username == nil ? "ip" : "digest"
            username = t.username
            maxChannels = t.maxChannels
            active = t.active
            t38 = t.t38Allowed
            ecm = t.ecm
            lastCheck = check.map { CheckResource(at: $0.at, up: $0.isUp, sipStatus: $0.sipStatus, roundTripMs: $0.roundTripMilliseconds, detail: $0.detail) }
        }
    }

    struct TrunkList: Encodable {
        var trunks: [TrunkResource]
        /// This node's failover order (trunk ids, first tried first); empty: it inherits.
        var order: [Int64]
    }
}
