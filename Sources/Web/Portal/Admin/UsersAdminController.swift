import Hummingbird
import PagewireCore

/// `/admin/accounts/:account/users` and `/admin/users/:user`: list and create users (username
/// from the e-mail, chosen or generated; password entered or generated and shown once), edit
/// contact details and custom fields, lock/unlock, move to another department, delete (their
/// numbers return to the unassigned inventory).
struct UsersAdminController: Sendable {
    let database: Database
    let renderer: PageRenderer

    func addRoutes(to routes: AdminPortalRoutes) {
        routes.get("/admin/accounts/:account/users") { request, context, target in
            let notice = request.uri.queryParameters["deleted"] != nil ? "User deleted; their numbers are back in the unassigned inventory." : nil
            return try await list(context, target, notice: notice)
        }
        routes.post("/admin/accounts/:account/users") { _, context, target in
            let f = context.form
            do {
                let (user, password) = try await UserCreation(database: database).create(
                    accountID: target.account.id, scope: target.scope,
                    displayName: f["display_name"] ?? "", email: f["email"] ?? "",
                    usernameMode: f["username_mode"] ?? "email", username: f["username"] ?? "",
                    passwordMode: f["password_mode"] ?? "generated", password: f["password"] ?? "",
                    profile: Self.profile(f))
                var notice = "User \(user.username) created."
                // Fax settings: a number from the unassigned inventory, or none (outbound only).
                if let numberID = f["number_id"].flatMap({ Int64($0) }), target.may(.assignNumber) {
                    do {
                        try await NumberRepository(database: database).assign(numberID, toUser: user.id, scope: target.scope)
                        notice += " They receive faxes on their number."
                    } catch let error as NumberError {
                        notice += " The number was not assigned: \(error.description)."
                    }
                }
                return try await list(context, target, created: .init(username: user.username, password: password),
                                      notice: notice, status: .created)
            } catch let error as UserCreation.Refusal {
                return try await list(context, target, error: error.description, status: .badRequest)
            }
        }
        routes.get("/admin/users/:user") { request, context, target in
            let notice: String? = switch request.uri.queryParameters["done"].map(String.init) {
            case "saved": "Saved."
            case "locked": "User locked: they cannot sign in and their numbers do not receive faxes."
            case "unlocked": "User unlocked."
            case "moved": "User moved."
            case "welcome": "The welcome message is on its way."
            case "no-welcome": "No welcome message was sent."
            default: nil
            }
            return try await detail(context, target, notice: notice)
        }
        routes.post("/admin/users/:user") { _, context, target in
            let f = context.form
            guard let user = target.user else { throw PortalError.notFound }
            do {
                try await UserRepository(database: database).update(
                    userID: user.id, displayName: f["display_name"] ?? user.displayName, email: f["email"] ?? user.email,
                    profile: Self.profile(f), scope: target.scope)
            } catch let error as AccountError {
                return try await detail(context, target, error: error.message, status: .badRequest)
            }
            return PageRenderer.redirect("/admin/users/\(user.id)?done=saved")
        }
        routes.post("/admin/users/:user/lock") { _, context, target in
            guard let user = target.user else { throw PortalError.notFound }
            guard user.id != context.session?.user.id else {
                return try await detail(context, target, error: "You cannot lock your own account.", status: .badRequest)
            }
            try await UserRepository(database: database).setStatus(userID: user.id, .locked, scope: target.scope)
            try await SessionRepository(database: database).deleteAll(userID: user.id)
            return PageRenderer.redirect("/admin/users/\(user.id)?done=locked")
        }
        routes.post("/admin/users/:user/unlock") { _, _, target in
            guard let user = target.user else { throw PortalError.notFound }
            try await UserRepository(database: database).setStatus(userID: user.id, .active, scope: target.scope)
            return PageRenderer.redirect("/admin/users/\(user.id)?done=unlocked")
        }
        routes.post("/admin/users/:user/move") { _, context, target in
            guard let user = target.user else { throw PortalError.notFound }
            do {
                guard let to = context.form["account_id"].flatMap({ Int64($0) }) else { throw AccountError.notFound }
                try await UserRepository(database: database).move(userID: user.id, to: to, scope: target.scope)
            } catch let error as AccountError {
                return try await detail(context, target, error: error == .notFound ? "Choose a department of this company." : error.message,
                                        status: .badRequest)
            }
            return PageRenderer.redirect("/admin/users/\(user.id)?done=moved")
        }
        routes.post("/admin/users/:user/welcome") { request, context, target in
            guard let user = target.user else { throw PortalError.notFound }
            // The form's choice, preselected from the Notifications tab's default; "none" sends nothing.
            guard let kind = WelcomeMessageDefault(rawValue: context.form["kind"] ?? "") else {
                return try await detail(context, target, error: "Choose which welcome message to send.", status: .badRequest)
            }
            guard kind != .none else { return PageRenderer.redirect("/admin/users/\(user.id)?done=no-welcome") }
            try await WelcomeMessage(userID: user.id, credentialsLink: kind == .welcomeWithCredentials, portalURL: Self.portalURL(request))
                .enqueue(database: database, scope: target.scope)
            return PageRenderer.redirect("/admin/users/\(user.id)?done=welcome")
        }
        routes.post("/admin/users/:user/delete") { _, context, target in
            guard let user = target.user else { throw PortalError.notFound }
            guard user.id != context.session?.user.id else {
                return try await detail(context, target, error: "You cannot delete your own account.", status: .badRequest)
            }
            try await UserRepository(database: database).delete(userID: user.id, scope: target.scope)
            return PageRenderer.redirect("/admin/accounts/\(user.accountID)/users?deleted=1")
        }
    }

    /// The portal's address as this request reached it (the brand's domain); HTTPS unless local.
    static func portalURL(_ request: Request) -> String {
        // Only a plain host[:port] goes into an e-mail link.
        let given = request.head.authority ?? ""
        let plain = !given.isEmpty && given.count <= 253 && given.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":") }
        let host = plain ? given : "localhost"
        let local = host.hasPrefix("localhost") || host.hasPrefix("127.0.0.1")
        return (local ? "http://" : "https://") + host
    }

    static func profile(_ f: FormData) -> UserProfile {
        UserProfile(phone: f["phone"] ?? "", jobTitle: f["job_title"] ?? "", costCentre: f["cost_centre"] ?? "", employeeID: f["employee_id"] ?? "")
    }

    private func list(_ context: PortalRequestContext, _ target: AdminTarget, created: UsersAdminModel.Created? = nil,
                      notice: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let model = try await UsersAdminModel.query(target, database: database, created: created, notice: notice, error: error)
        return try renderer.render("admin/users", title: "Users", page: model, context: context, current: "/admin", status: status)
    }

    private func detail(_ context: PortalRequestContext, _ target: AdminTarget, notice: String? = nil, error: String? = nil,
                        status: HTTPResponse.Status = .ok) async throws -> Response {
        let model = try await UserAdminModel.query(target, database: database, notice: notice, error: error)
        return try renderer.render("admin/user", title: model.name.isEmpty ? model.username : model.name, page: model, context: context,
                                   current: "/admin", status: status)
    }
}
