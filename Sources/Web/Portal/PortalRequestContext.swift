import Hummingbird
import NIOCore
import PagewireCore

/// Per-request state of the portal: the brand the host asked for, who is signed in, and the
/// submitted form (parsed once, by the CSRF check).
struct PortalRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Set by `BrandMiddleware` from the request's host.
    var brand: Brand = .platformDefault
    /// Set by `SessionMiddleware` when the request carries a live session cookie.
    var session: PortalSession?
    /// Set by `CSRFMiddleware` for POST requests whose token checked out.
    var form = FormData()

    /// The peer's IP address (for the session row).
    let remoteAddress: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Uploads (send-fax attachments, CSV imports) are at most 25 MiB per request.
    var maxUploadSize: Int { 25 * 1024 * 1024 }

    /// The signed-in session, or a redirect to the sign-in page.
    func requireSession() throws -> PortalSession {
        guard let session else { throw PortalError.signInRequired }
        return session
    }
}
