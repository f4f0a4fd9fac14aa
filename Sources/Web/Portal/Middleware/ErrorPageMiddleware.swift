import Hummingbird
import Logging
import PagewireCore

/// Turns errors into branded pages: 404 (unknown page, or another tenant's id — the same page,
/// so nothing reveals that the id exists), 403 (missing or wrong anti-forgery token), 400 with
/// the reason, 500 for everything unexpected (logged, never shown), and a redirect to sign-in.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    let renderer: PageRenderer

    struct ErrorPage: Sendable, TemplateObject {
        let status: Int
        let heading: String
        let message: String

        func templateValue(named name: String) -> TemplateValue? {
            switch name {
            case "status": .number(status)
            case "heading": .text(heading)
            case "message": .text(message)
            default: nil
            }
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Portal.isAPIPath(request.uri.path) { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch PortalError.signInRequired {
            let target = request.uri.path == "/" ? "/signin" : "/signin?next=" + (request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            return PageRenderer.redirect(target)
        } catch PortalError.forbidden {
            return try page(.forbidden, "Not allowed", "This form has expired or did not come from this site. Go back, reload the page and try again.", context)
        } catch PortalError.notFound {
            return try page(.notFound, "Page not found", "There is nothing here. It may have been removed, or the address may be wrong.", context)
        } catch PortalError.badRequest(let reason) {
            return try page(.badRequest, "That did not work", reason, context)
        } catch let error as HTTPError where error.status == .notFound {
            return try page(.notFound, "Page not found", "There is nothing here. It may have been removed, or the address may be wrong.", context)
        } catch let error as HTTPError where error.status.code < 500 {
            return try page(error.status, "That did not work", error.status.reasonPhrase, context)
        } catch {
            // DatabaseError descriptions carry no SQL text or values; other errors are named by type only.
            let what = (error as? DatabaseError).map(\.description) ?? String(reflecting: type(of: error))
            context.logger.error("portal error: \(what)", metadata: ["http.path": "\(request.uri.path)"])
            return try page(.internalServerError, "Something went wrong", "We could not show this page. Please try again in a moment.", context)
        }
    }

    private func page(_ status: HTTPResponse.Status, _ heading: String, _ message: String, _ context: Context) throws -> Response {
        try renderer.render(
            "portal/error", title: heading, page: ErrorPage(status: status.code, heading: heading, message: message),
            context: context, status: status)
    }
}
