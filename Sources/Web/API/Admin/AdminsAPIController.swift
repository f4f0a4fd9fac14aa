import Foundation
import Hummingbird
import PagewireCore

/// `/v1/accounts/{id}/admins` and `/v1/users/{id}/rights`: the administrators of a subtree and
/// their rights (the guide's checklist); nobody grants a right they lack or edits their own.
struct AdminsAPIController: Sendable {
    let database: Database

    func addRoutes(to routes: AdminAPIRoutes) {
        routes.on(.get, "accounts/:account/admins") { _, _, target in
            let rows = try await database.query(
                """
                SELECT g.user_id, g.account_id, g.rights, u.username FROM admin_grants g
                JOIN users u ON u.id = g.user_id JOIN accounts a ON a.id = g.account_id
                WHERE a.path LIKE ? ORDER BY a.path, u.username
                """, target.account.scope.pathPattern)
            let admins = try rows.map { row in
                AdminResource(userId: try row.get("user_id"), username: try row.get("username"), accountId: try row.get("account_id"),
                              rights: String(try row.get("rights", as: String.self)).split(separator: ",").map(String.init).sorted())
            }
            return try APIJSON.response(AdminList(admins: admins))
        }
        routes.on(.put, "users/:user/rights") { request, context, target in
            guard let user = target.user else { throw Problem.notFound() }
            guard user.id != target.grant.userID else { throw Problem.conflict("own-rights", "you cannot change your own rights") }
            let body = try await request.decode(as: RightsBody.self, context: context)
            var rights = Set<AdminRight>()
            for name in body.rights {
                guard let right = AdminRight(rawValue: name) else { throw Problem.invalid("unknown right '\(name)'", field: "rights") }
                rights.insert(right)
            }
            let beyond = rights.subtracting(target.grant.rights).subtracting([.readOnly])
            guard beyond.isEmpty else {
                throw Problem.invalid("you cannot grant rights you do not hold: " + beyond.map(\.rawValue).sorted().joined(separator: ", "), field: "rights")
            }
            let users = UserRepository(database: database)
            if rights.isEmpty {
                try? await users.revoke(userID: user.id, accountID: user.accountID, scope: target.scope)
            } else {
                try await users.grant(userID: user.id, accountID: user.accountID, rights: rights, scope: target.scope)
            }
            return try APIJSON.response(AdminResource(userId: user.id, username: user.username, accountId: user.accountID,
                                                      rights: rights.map(\.rawValue).sorted()))
        }
    }

    struct RightsBody: Decodable {
        var rights: [String]
    }

    struct AdminResource: Encodable {
        var userId: Int64
        var username: String
        /// The node the rights apply to (and so its subtree).
        var accountId: Int64
        var rights: [String]
    }

    struct AdminList: Encodable {
        var admins: [AdminResource]
    }
}
