import Foundation
import Hummingbird
import PagewireCore

/// `/v1/users` and `/v1/accounts/{id}/users`: the users an administrator manages — list, create
/// (the generated password is returned once), read, update contact details and custom fields,
/// lock/unlock, move to another department, delete (numbers return to the inventory).
struct UsersAPIController: Sendable {
    let database: Database

    func addRoutes(to routes: AdminAPIRoutes) {
        routes.on(.get, "users") { _, _, target in try await list(target) }
        routes.on(.get, "accounts/:account/users") { _, _, target in try await list(target) }
        routes.on(.post, "accounts/:account/users") { request, context, target in
            let body = try await request.decode(as: CreateBody.self, context: context)
            do {
                let (user, password) = try await UserCreation(database: database).create(
                    accountID: target.account.id, scope: target.scope, displayName: body.displayName ?? "", email: body.email,
                    usernameMode: body.usernameMode ?? (body.username == nil ? "email" : "chosen"), username: body.username ?? "",
                    passwordMode: body.password == nil ? "generated" : "entered", password: body.password ?? "",
                    profile: UserProfile(phone: body.phone ?? "", jobTitle: body.jobTitle ?? "", costCentre: body.costCentre ?? "",
                                         employeeID: body.employeeId ?? ""))
                let resource = try await resource(user, scope: target.scope)
                return try APIJSON.response(Created(user: resource, password: body.password == nil ? password : nil), status: .created,
                                            headers: [.location: "/v1/users/\(user.id)"])
            } catch let refusal as UserCreation.Refusal {
                if refusal.field == "username", refusal.description.contains("taken") { throw Problem.conflict("username-taken", refusal.description) }
                throw Problem.invalid(refusal.description, field: refusal.field)
            }
        }
        routes.on(.get, "users/:user") { _, _, target in
            try APIJSON.response(try await resource(try user(target), scope: target.scope))
        }
        routes.on(.patch, "users/:user") { request, context, target in
            let user = try user(target)
            let body = try await request.decode(as: UpdateBody.self, context: context)
            let users = UserRepository(database: database)
            var profile = try await users.profile(of: user.id, scope: target.scope)
            if let v = body.phone { profile.phone = v }
            if let v = body.jobTitle { profile.jobTitle = v }
            if let v = body.costCentre { profile.costCentre = v }
            if let v = body.employeeId { profile.employeeID = v }
            do {
                try await users.update(userID: user.id, displayName: body.displayName ?? user.displayName, email: body.email ?? user.email,
                                       profile: profile, scope: target.scope)
            } catch let error as AccountError where error != .notFound {
                throw Problem.invalid(error.message)
            }
            return try APIJSON.response(try await resource(user.id, scope: target.scope))
        }
        routes.on(.delete, "users/:user") { _, context, target in
            let user = try user(target)
            guard user.id != context.principal?.userID else { throw Problem.conflict("self-delete", "you cannot delete your own account") }
            try await UserRepository(database: database).delete(userID: user.id, scope: target.scope)
            return Response(status: .noContent)
        }
        routes.on(.post, "users/:user/lock") { _, context, target in
            let user = try user(target)
            guard user.id != context.principal?.userID else { throw Problem.conflict("self-lock", "you cannot lock your own account") }
            try await UserRepository(database: database).setStatus(userID: user.id, .locked, scope: target.scope)
            try await SessionRepository(database: database).deleteAll(userID: user.id)
            return try APIJSON.response(try await resource(user.id, scope: target.scope))
        }
        routes.on(.post, "users/:user/unlock") { _, _, target in
            let user = try user(target)
            try await UserRepository(database: database).setStatus(userID: user.id, .active, scope: target.scope)
            return try APIJSON.response(try await resource(user.id, scope: target.scope))
        }
        routes.on(.post, "users/:user/welcome") { request, context, target in
            let user = try user(target)
            let body = try await request.decode(as: WelcomeBody.self, context: context)
            let preset = try await SettingsRepository(database: database).effective(Settings.welcomeMessageDefault, forUser: user.id).value
            try await WelcomeMessage(userID: user.id, credentialsLink: body.credentials ?? (preset == .welcomeWithCredentials),
                                     portalURL: UsersAdminController.portalURL(request)).enqueue(database: database, scope: target.scope)
            return try APIJSON.response(Queued(queued: true), status: .accepted)
        }
        routes.on(.post, "users/:user/move") { request, context, target in
            let user = try user(target)
            let body = try await request.decode(as: MoveBody.self, context: context)
            do {
                try await UserRepository(database: database).move(userID: user.id, to: body.accountId, scope: target.scope)
            } catch AccountError.notFound {
                throw Problem.invalid("account_id names no department of this company that you administer", field: "account_id")
            } catch let error as AccountError {
                throw Problem.invalid(error.message, field: "account_id")
            }
            return try APIJSON.response(try await resource(user.id, scope: target.scope))
        }
    }

    struct WelcomeBody: Decodable {
        var credentials: Bool?
    }

    struct Queued: Encodable {
        var queued: Bool
    }

    private func user(_ target: AdminTarget) throws -> User {
        guard let user = target.user else { throw Problem.notFound() }
        return user
    }

    private func list(_ target: AdminTarget) async throws -> Response {
        let users = try await UserRepository(database: database).list(under: target.account.id, scope: target.scope)
        return try APIJSON.response(UserList(users: users.map { UserResource($0, profile: nil, numbers: nil) }))
    }

    private func resource(_ id: Int64, scope: AccountScope) async throws -> UserResource {
        guard let user = try await UserRepository(database: database).get(id, scope: scope) else { throw Problem.notFound() }
        return try await resource(user, scope: scope)
    }

    private func resource(_ user: User, scope: AccountScope) async throws -> UserResource {
        let profile = try await UserRepository(database: database).profile(of: user.id, scope: scope)
        let numbers = try await NumberRepository(database: database).numbers(ofUser: user.id, scope: scope).map(\.e164)
        return UserResource(user, profile: profile, numbers: numbers)
    }

    struct CreateBody: Decodable {
        var email: String
        var displayName: String?
        var username: String?
        var usernameMode: String?
        var password: String?
        var phone: String?
        var jobTitle: String?
        var costCentre: String?
        var employeeId: String?
    }

    struct UpdateBody: Decodable {
        var email: String?
        var displayName: String?
        var phone: String?
        var jobTitle: String?
        var costCentre: String?
        var employeeId: String?
    }

    struct MoveBody: Decodable {
        var accountId: Int64
    }

    struct UserList: Encodable {
        var users: [UserResource]
    }

    struct Created: Encodable {
        var user: UserResource
        /// The generated password, present only when the request did not set one; shown once.
        var password: String?
    }

    struct UserResource: Encodable {
        var id: Int64
        var accountId: Int64
        var username: String
        var email: String
        var displayName: String
        var status: String
        var phone: String?
        var jobTitle: String?
        var costCentre: String?
        var employeeId: String?
        var numbers: [String]?

        init(_ user: User, profile: UserProfile?, numbers: [String]?) {
            id = user.id
            accountId = user.accountID
            username = user.username
            email = user.email
            displayName = user.displayName
            status = user.status.rawValue
            phone = profile?.phone
            jobTitle = profile?.jobTitle
            costCentre = profile?.costCentre
            employeeId = profile?.employeeID
            self.numbers = numbers
        }
    }
}
