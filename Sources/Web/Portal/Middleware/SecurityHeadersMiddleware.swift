import HTTPTypes
import Hummingbird
import Logging
import PagewireCore

/// Adds the security headers of DESIGN §5 to every response, error pages included: a CSP that
/// allows no inline script (or style), no framing, no MIME sniffing, a strict referrer policy,
/// and HSTS when the request arrived over TLS (at the proxy in front of us).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var contentSecurityPolicy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            response = (try? error.response(from: request, context: context)) ?? Response(status: error.status)
        } catch {
            let what = (error as? DatabaseError).map(\.description) ?? String(reflecting: type(of: error))
            context.logger.error("unhandled error: \(what)")
            response = Response(status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: .init(string: "Internal error\n")))
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[SecurityHeaderNames.frameOptions] = "DENY"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[SecurityHeaderNames.referrerPolicy] = "same-origin"
        response.headers[SecurityHeaderNames.permissionsPolicy] = "camera=(), microphone=(), geolocation=()"
        if request.headers[SecurityHeaderNames.forwardedProto] == "https" || request.uri.scheme == .https {
            response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains"
        }
        return response
    }
}

/// Header names checked once, not on every response (generic types cannot hold static stored properties).
enum SecurityHeaderNames {
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let permissionsPolicy = HTTPField.Name("Permissions-Policy")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}
