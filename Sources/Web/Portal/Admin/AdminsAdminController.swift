import Hummingbird
import PagewireCore

/// `/admin/accounts/:account/admins` and `/admin/users/:user/rights`: administrators at any
/// level with the rights checklist; an admin never grants a right they do not hold themselves,
/// and never edits their own rights.
struct AdminsAdminController: Sendable {
    let database: Database
    let renderer: PageRenderer

    func addRoutes(to routes: AdminPortalRoutes) {
        routes.get("/admin/accounts/:account/admins") { request, context, target in
            let notice = request.uri.queryParameters["saved"] != nil ? "Rights saved." : nil
            return try await page(context, target, notice: notice)
        }
        routes.post("/admin/accounts/:account/admins") { _, context, target in
            let f = context.form
            do {
                let rights = try Self.rights(f, grantable: target.grant.rights)
                let (user, password) = try await UserCreation(database: database).create(
                    accountID: target.account.id, scope: target.scope, displayName: f["display_name"] ?? "", email: f["email"] ?? "",
                    usernameMode: (f["username"] ?? "").isEmpty ? "email" : "chosen", username: f["username"] ?? "",
                    passwordMode: (f["password"] ?? "").isEmpty ? "generated" : "entered", password: f["password"] ?? "",
                    profile: UserProfile())
                try await UserRepository(database: database).grant(userID: user.id, accountID: target.account.id, rights: rights, scope: target.scope)
                return try await page(context, target, created: .init(username: user.username, password: password),
                                      notice: "Administrator \(user.username) created.", status: .created)
            } catch let refusal as UserCreation.Refusal {
                return try await page(context, target, error: refusal.description, status: .badRequest)
            }
        }
        routes.post("/admin/users/:user/rights") { _, context, target in
            guard let user = target.user else { throw PortalError.notFound }
            guard user.id != target.grant.userID else {
                return try await page(context, target, error: "You cannot change your own rights.", status: .badRequest)
            }
            do {
                let rights = try Self.rights(context.form, grantable: target.grant.rights)
                let users = UserRepository(database: database)
                if rights.isEmpty {
                    try? await users.revoke(userID: user.id, accountID: user.accountID, scope: target.scope)
                } else {
                    try await users.grant(userID: user.id, accountID: user.accountID, rights: rights, scope: target.scope)
                }
            } catch let refusal as UserCreation.Refusal {
                return try await page(context, target, error: refusal.description, status: .badRequest)
            }
            return PageRenderer.redirect("/admin/accounts/\(target.account.id)/admins?saved=1")
        }
    }

    /// The checked rights; only those the caller holds may be granted (read-only always may).
    static func rights(_ f: FormData, grantable: Set<AdminRight>) throws -> Set<AdminRight> {
        let rights = Set(f.all("rights").compactMap(AdminRight.init(rawValue:)))
        let beyond = rights.subtracting(grantable).subtracting([.readOnly])
        guard beyond.isEmpty else {
            throw UserCreation.Refusal(description: "You cannot grant rights you do not hold: " + beyond.map(\.label).sorted().joined(separator: ", ") + ".", field: "rights")
        }
        return rights
    }

    private func page(_ context: PortalRequestContext, _ target: AdminTarget, created: UsersAdminModel.Created? = nil, notice: String? = nil,
                      error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let model = try await AdminsAdminModel.query(target, database: database, created: created, notice: notice, error: error)
        return try renderer.render("admin/admins", title: "Administrators", page: model, context: context, current: "/admin", status: status)
    }
}
