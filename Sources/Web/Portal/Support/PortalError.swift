import Hummingbird

/// What a portal handler can fail with; `ErrorPageMiddleware` turns each into a branded page.
enum PortalError: Error {
    /// Not signed in: redirect to the sign-in page.
    case signInRequired
    /// A form without a valid anti-forgery token.
    case forbidden
    /// Unknown id, or an id of another tenant: the same answer for both.
    case notFound
    /// A form that cannot be processed; shown to the user.
    case badRequest(String)
}
