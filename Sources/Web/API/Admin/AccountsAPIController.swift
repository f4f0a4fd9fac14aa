import Foundation
import Hummingbird
import PagewireCore

/// `/v1/accounts/{id}`: the account tree (a node and its children; add, rename and delete
/// departments) and a node's settings with where each value comes from (override, reset).
struct AccountsAPIController: Sendable {
    let database: Database

    func addRoutes(to routes: AdminAPIRoutes) {
        routes.on(.get, "accounts/:account") { _, _, target in
            let children = try await AccountRepository(database: database).children(of: target.account.id, scope: target.scope)
            return try APIJSON.response(Node(account: AccountResource(target.account), children: children.map(AccountResource.init)))
        }
        routes.on(.post, "accounts/:account/departments") { request, context, target in
            let body = try await request.decode(as: NameBody.self, context: context)
            do {
                let created = try await AccountRepository(database: database).create(kind: .department, name: body.name, parentID: target.account.id, scope: target.scope)
                return try APIJSON.response(AccountResource(created), status: .created, headers: [.location: "/v1/accounts/\(created.id)"])
            } catch let error as AccountError where error != .notFound {
                throw Problem.invalid(error.message, field: "name")
            }
        }
        routes.on(.patch, "accounts/:account") { request, context, target in
            let body = try await request.decode(as: NameBody.self, context: context)
            let accounts = AccountRepository(database: database)
            do {
                try await accounts.rename(target.account.id, to: body.name, scope: target.scope)
            } catch let error as AccountError where error != .notFound {
                throw Problem.invalid(error.message, field: "name")
            }
            guard let renamed = try await accounts.get(target.account.id, scope: target.scope) else { throw Problem.notFound() }
            return try APIJSON.response(AccountResource(renamed))
        }
        routes.on(.delete, "accounts/:account") { _, _, target in
            guard target.account.id != target.grant.account.id else {
                throw Problem.conflict("own-node", "an administrator cannot delete the node they administer")
            }
            do {
                try await AccountRepository(database: database).deleteDepartment(target.account.id, scope: target.scope)
            } catch let error as AccountError where error != .notFound {
                throw Problem.conflict("department-not-empty", error.message)
            }
            return Response(status: .noContent)
        }
        routes.on(.get, "accounts/:account/settings") { _, _, target in
            let settings = SettingsRepository(database: database)
            var list: [SettingResource] = []
            for entry in SettingsCatalog.entries {
                let (value, origin) = try await entry.read(settings, target.account.id, target.scope)
                list.append(SettingResource(key: entry.name, value: AnyValue(value: value), origin: OriginResource(origin, node: target.account.id)))
            }
            return try APIJSON.response(SettingList(settings: list))
        }
        routes.on(.put, "accounts/:account/settings/:key") { request, context, target in
            let entry = try Self.entry(context, target)
            var request = request
            let value = Data(buffer: try await request.collectBody(upTo: 256 * 1024))
            let settings = SettingsRepository(database: database)
            do {
                try await entry.write(settings, value, target.account.id, target.scope, Self.actor(context))
            } catch let error as SettingField.Invalid {
                throw Problem.invalid(error.description, field: "value")
            } catch let error as SettingsError {
                throw Problem.invalid(error.description, field: "value")
            }
            return try await one(entry, target)
        }
        routes.on(.delete, "accounts/:account/settings/:key") { _, context, target in
            let entry = try Self.entry(context, target)
            try await entry.reset(SettingsRepository(database: database), target.account.id, target.scope, Self.actor(context))
            return try await one(entry, target)
        }
    }

    static func entry(_ context: APIRequestContext, _ target: AdminTarget) throws -> SettingsCatalog.Entry {
        guard let entry = context.parameters.get("key").flatMap(SettingsCatalog.find(_:)) else { throw Problem.notFound("no such setting") }
        if entry.providerOnly, target.account.kind != .platform, target.account.kind != .reseller {
            throw Problem.invalid("\(entry.name) is set by the platform or the reseller")
        }
        return entry
    }

    static func actor(_ context: APIRequestContext) -> AuditActor {
        guard let p = context.principal else { return .system("api") }
        return .user(p.userID, label: "api token \(p.tokenID)")
    }

    private func one(_ entry: SettingsCatalog.Entry, _ target: AdminTarget) async throws -> Response {
        let (value, origin) = try await entry.read(SettingsRepository(database: database), target.account.id, target.scope)
        return try APIJSON.response(SettingResource(key: entry.name, value: AnyValue(value: value), origin: OriginResource(origin, node: target.account.id)))
    }

    struct NameBody: Decodable {
        var name: String
    }

    struct AccountResource: Encodable {
        var id: Int64
        var parentId: Int64?
        var kind: String
        var name: String
        init(_ a: Account) {
            id = a.id
            parentId = a.parentID
            kind = a.kind.rawValue
            name = a.name
        }
    }

    struct Node: Encodable {
        var account: AccountResource
        var children: [AccountResource]
    }

    /// A setting's value, whatever its type.
    struct AnyValue: Encodable {
        let value: any Encodable & Sendable
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }

    struct OriginResource: Encodable {
        /// `default` (the platform default), `here` (an override at this node), `inherited` (from an ancestor).
        var source: String
        var accountId: Int64?
        var kind: String?
        init(_ origin: SettingOrigin, node: Int64) {
            switch origin {
            case .platformDefault: source = "default"
            case .user: source = "user"
            case .account(let id, let kind):
                source = id == node ? "here" : "inherited"
                accountId = id
                self.kind = kind.rawValue
            }
        }
    }

    struct SettingResource: Encodable {
        var key: String
        var value: AnyValue
        var origin: OriginResource
    }

    struct SettingList: Encodable {
        var settings: [SettingResource]
    }
}
