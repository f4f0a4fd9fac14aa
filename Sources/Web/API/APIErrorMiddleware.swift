import Foundation
import Hummingbird
import PagewireCore

/// Turns every error thrown under `/v1` into a problem document; unexpected errors are logged
/// and answered with a 500 that reveals nothing about their cause.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Self.problem(for: error, context: context)
            return try problem.response(from: request, context: context)
        }
    }

    static func problem(for error: any Error, context: Context) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as SubmissionError:
            switch error {
            case .refused(let code, let reason): return .refused(code, reason)
            case .idempotencyConflict: return .conflict("idempotency-conflict", error.description)
            }
        case is DecodingError:
            return .malformed("the body is not valid JSON for this operation: \(describe(error as! DecodingError))")
        case let error as AccountError where error == .notFound:
            return .notFound()
        case let error as APITokenError where error == .notFound:
            return .notFound()
        case let error as VaultError:
            switch error {
            case .documentNotFound: return .notFound("no such document")
            case .documentExpired: return Problem("document-expired", status: .gone, title: "Document expired", detail: "the document was purged under the retention policy")
            case .noAccess: return Problem("document-locked", status: .forbidden, title: "Document locked",
                                           detail: "the platform no longer holds this document's key (private vault mode); open it in the portal")
            default:
                context.logger.error("vault error in /v1: \(error)")
                return Problem(nil, status: .internalServerError, detail: "the request could not be completed")
            }
        case let error as any HTTPResponseError:
            if error.status == .contentTooLarge {
                return Problem("body-too-large", status: .contentTooLarge, title: "Request body too large",
                               detail: "the request body exceeds the limit of this server")
            }
            return Problem(nil, status: error.status)
        default:
            context.logger.error("unexpected error in /v1: \(String(describing: type(of: error)))")
            return Problem(nil, status: .internalServerError, detail: "the request could not be completed")
        }
    }

    /// A short description of where JSON decoding failed (no input echoed back beyond a key path).
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "the document" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let c): return c.codingPath.isEmpty ? "not JSON" : "\(path(c.codingPath)): \(c.debugDescription)"
        case .keyNotFound(let key, let c): return "\(path(c.codingPath + [key])) is required"
        case .typeMismatch(_, let c): return "\(path(c.codingPath)) has the wrong type"
        case .valueNotFound(_, let c): return "\(path(c.codingPath)) must not be null"
        @unknown default: return "not JSON"
        }
    }
}
