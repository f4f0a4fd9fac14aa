import Hummingbird
import PagewireCore

/// Registers the portal's administration handlers: each goes through `AdminAuthorizer` with the
/// operation `AdminRoutes` lists for its path before the handler runs.
struct AdminPortalRoutes {
    typealias Handler = @Sendable (Request, PortalRequestContext, AdminTarget) async throws -> Response
    let router: Router<PortalRequestContext>
    let authorizer: AdminAuthorizer

    func get(_ path: String, _ handler: @escaping Handler) { on(.get, path, handler) }
    func post(_ path: String, _ handler: @escaping Handler) { on(.post, path, handler) }

    func on(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        let route = AdminRoutes.route(.portal, method, path)
        let authorizer = authorizer
        router.on(RouterPath(path), method: method) { request, context -> Response in
            let session = try context.requireSession()
            let target: AdminTarget
            let reference: AdminAuthorizer.Reference
            do {
                reference = try AdminAuthorizer.reference(for: route, parameters: context.parameters)
                target = try await authorizer.authorize(route.operation, userID: session.user.id, reference: reference)
            } catch AdminDenial.notFound {
                throw PortalError.notFound
            } catch AdminDenial.forbidden {
                throw HTTPError(.forbidden, message: "Your administrator rights do not allow this.")
            }
            let response = try await handler(request, context, target)
            if route.operation.changes, response.status.code < 400 {
                try await authorizer.recordChange(route, target: target, reference: reference,
                                                  actor: .user(session.user.id, label: session.user.username, ip: context.remoteAddress))
            }
            return response
        }
    }
}
