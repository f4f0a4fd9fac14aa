import Hummingbird

/// Router middleware: a request under `/v1` that matched no route gets a 404 problem document
/// instead of the router's empty 404. Other paths pass through untouched.
struct APINotFoundMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path == "/v1" || path.hasPrefix("/v1/") else { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return try Problem.notFound("there is no \(request.method.rawValue) \(path) in this API").response(from: request, context: context)
        }
    }
}
