import Hummingbird
import PagewireCore

/// `/admin/accounts/:account/trunks` and `/admin/trunks/:trunk`: the operator's and resellers'
/// SIP providers (username, password, host, port — or IP authentication only), their failover
/// order, and "test trunk", which asks pagewire-telephony for an OPTIONS check.
struct TrunksAdminController: Sendable {
    let database: Database
    let renderer: PageRenderer
    /// Wraps the passwords entered here (trunk passwords are never stored in clear).
    let transit: TransitKeyring

    func addRoutes(to routes: AdminPortalRoutes) {
        routes.get("/admin/accounts/:account/trunks") { request, context, target in
            let notice: String? = switch request.uri.queryParameters["done"].map(String.init) {
            case "added": "Trunk added."
            case "order": "Failover order saved."
            case "deleted": "Trunk deleted."
            default: nil
            }
            return try await list(context, target, notice: notice)
        }
        routes.post("/admin/accounts/:account/trunks") { _, context, target in
            do {
                let trunk = try Self.trunk(from: context.form, id: 0)
                let stored = try await TrunkRepository(database: database, secrets: transit).create(trunk, owner: target.account.id, scope: target.scope)
                return PageRenderer.redirect("/admin/trunks/\(stored.id)?done=added")
            } catch let error as TrunkAdminError {
                return try await list(context, target, error: Self.sentence(error), status: .badRequest)
            }
        }
        routes.post("/admin/accounts/:account/trunks/order") { _, context, target in
            // Each usable trunk has a position field; blank leaves it out.
            var positions: [(Int, Int64)] = []
            for (name, value) in context.form.fields where name.hasPrefix("position_") {
                guard let id = Int64(name.dropFirst("position_".count)) else { continue }
                let text = value.trimmingCharacters(in: .whitespaces)
                if text.isEmpty { continue }
                guard let position = Int(text), position > 0 else {
                    return try await list(context, target, error: "Positions are 1, 2, 3… (blank: not used).", status: .badRequest)
                }
                positions.append((position, id))
            }
            do {
                try await TrunkRepository(database: database).setOrder(positions.sorted { $0 < $1 }.map(\.1), forAccount: target.account.id, scope: target.scope)
            } catch let error as TrunkAdminError {
                return try await list(context, target, error: Self.sentence(error), status: .badRequest)
            }
            return PageRenderer.redirect("/admin/accounts/\(target.account.id)/trunks?done=order")
        }
        routes.get("/admin/trunks/:trunk") { request, context, target in
            let notice: String? = switch request.uri.queryParameters["done"].map(String.init) {
            case "added": "Trunk added. Test it to see whether the carrier answers."
            case "saved": "Saved."
            case "check": "Check requested: the telephony service sends an OPTIONS ping; reload in a few seconds for the result."
            default: nil
            }
            return try await detail(context, target, notice: notice)
        }
        routes.post("/admin/trunks/:trunk") { _, context, target in
            guard let id = target.trunkID else { throw PortalError.notFound }
            do {
                try await TrunkRepository(database: database, secrets: transit).update(try Self.trunk(from: context.form, id: id), scope: target.scope)
            } catch let error as TrunkAdminError {
                return try await detail(context, target, error: Self.sentence(error), status: .badRequest)
            }
            return PageRenderer.redirect("/admin/trunks/\(id)?done=saved")
        }
        routes.post("/admin/trunks/:trunk/delete") { _, _, target in
            guard let id = target.trunkID else { throw PortalError.notFound }
            try await TrunkRepository(database: database).delete(id, scope: target.scope)
            return PageRenderer.redirect("/admin/accounts/\(target.account.id)/trunks?done=deleted")
        }
        routes.post("/admin/trunks/:trunk/check") { _, _, target in
            guard let id = target.trunkID else { throw PortalError.notFound }
            try await TrunkRepository(database: database).requestCheck(trunkID: id)
            return PageRenderer.redirect("/admin/trunks/\(id)?done=check")
        }
    }

    static func sentence(_ error: TrunkAdminError) -> String {
        error.description.prefix(1).uppercased() + error.description.dropFirst() + "."
    }

    /// The trunk a form describes; IP authentication drops the digest credentials.
    static func trunk(from f: FormData, id: Int64) throws -> Trunk {
        guard let port = Int((f["port"] ?? "5060").trimmingCharacters(in: .whitespaces)) else { throw TrunkAdminError.invalid("the port is 1 to 65535") }
        guard let channels = Int((f["max_channels"] ?? "30").trimmingCharacters(in: .whitespaces)) else { throw TrunkAdminError.invalid("channels are 1 to 10000") }
        let ipOnly = f["authentication"] == "ip"
        let username = f["username"]?.trimmingCharacters(in: .whitespaces)
        return Trunk(
            id: id, name: (f["name"] ?? "").trimmingCharacters(in: .whitespaces), active: f["active"] != nil,
            host: (f["host"] ?? "").trimmingCharacters(in: .whitespaces), port: port, transport: f["transport"] ?? "udp",
            username: ipOnly || (username ?? "").isEmpty ? nil : username, password: ipOnly ? nil : f["password"],
            maxChannels: channels, t38Allowed: f["t38"] != nil, ecm: f["ecm"] != nil)
    }

    private func list(_ context: PortalRequestContext, _ target: AdminTarget, notice: String? = nil, error: String? = nil,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let model = try await TrunksAdminModel.query(target, database: database, notice: notice, error: error)
        return try renderer.render("admin/trunks", title: "Trunks", page: model, context: context, current: "/admin", status: status)
    }

    private func detail(_ context: PortalRequestContext, _ target: AdminTarget, notice: String? = nil, error: String? = nil,
                        status: HTTPResponse.Status = .ok) async throws -> Response {
        let model = try await TrunkAdminModel.query(target, database: database, notice: notice, error: error)
        return try renderer.render("admin/trunk", title: model.name, page: model, context: context, current: "/admin", status: status)
    }
}
