import Hummingbird
import PagewireCore

/// Registers `/v1`'s administration handlers: each goes through `AdminAuthorizer` with the
/// operation `AdminRoutes` lists for its path before the handler runs.
struct AdminAPIRoutes {
    typealias Handler = @Sendable (Request, APIRequestContext, AdminTarget) async throws -> Response
    let group: RouterGroup<APIRequestContext>
    let authorizer: AdminAuthorizer

    func on(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        let route = AdminRoutes.route(.api, method, path)
        let authorizer = authorizer
        group.on(RouterPath(path), method: method) { request, context -> Response in
            let principal = try context.requirePrincipal()
            let target: AdminTarget
            let reference: AdminAuthorizer.Reference
            do {
                reference = try AdminAuthorizer.reference(for: route, parameters: context.parameters)
                target = try await authorizer.authorize(route.operation, userID: principal.userID, reference: reference)
            } catch AdminDenial.notFound {
                throw Problem.notFound()
            } catch AdminDenial.forbidden(let operation) {
                throw Problem("forbidden", status: .forbidden, title: "Forbidden",
                              detail: "this needs the '\(operation.right.rawValue)' administrator right\(operation.changes ? " without read-only access" : "")")
            }
            let response = try await handler(request, context, target)
            if route.operation.changes, response.status.code < 400 {
                try await authorizer.recordChange(route, target: target, reference: reference,
                                                  actor: .user(principal.userID, label: "api token \(principal.tokenID)"))
            }
            return response
        }
    }
}
