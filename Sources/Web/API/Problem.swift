import Foundation
import Hummingbird
import PagewireCore

/// An RFC 9457 problem document: every error `/v1` returns has this shape and the media type
/// `application/problem+json`.
struct Problem: Error, Encodable, HTTPResponseError {
    /// A URI naming the kind of problem (`urn:pagewire:problem:<slug>`, or `about:blank` when the
    /// HTTP status says it all).
    var type: String
    var title: String
    var statusCode: Int
    var detail: String?
    /// The fax result code for refused submissions (`blocked_number`, `limit_exceeded`, …).
    var resultCode: String?
    /// Field-level messages for invalid requests.
    var errors: [FieldError]?
    var extraHeaders: HTTPFields = [:]

    struct FieldError: Encodable, Sendable {
        var field: String
        var message: String
    }

    var status: HTTPResponse.Status { .init(code: statusCode) }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, resultCode = "result_code", errors
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encode(title, forKey: .title)
        try c.encode(statusCode, forKey: .status)
        try c.encodeIfPresent(detail, forKey: .detail)
        try c.encodeIfPresent(resultCode, forKey: .resultCode)
        try c.encodeIfPresent(errors, forKey: .errors)
    }

    init(_ slug: String?, status: HTTPResponse.Status, title: String? = nil, detail: String? = nil,
         resultCode: ResultCode? = nil, errors: [FieldError]? = nil) {
        self.type = slug.map { "urn:pagewire:problem:\($0)" } ?? "about:blank"
        self.title = title ?? status.reasonPhrase
        self.statusCode = status.code
        self.detail = detail
        self.resultCode = resultCode?.rawValue
        self.errors = errors
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{\"title\":\"Internal Server Error\",\"status\":500}".utf8)
        var headers = extraHeaders
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: - The problems /v1 uses

    static func unauthorized(_ detail: String) -> Problem {
        var p = Problem("unauthorized", status: .unauthorized, title: "Authentication required", detail: detail)
        p.extraHeaders[.wwwAuthenticate] = "Bearer realm=\"pagewire\""
        return p
    }

    static func notFound(_ detail: String = "no such resource in your account") -> Problem {
        Problem("not-found", status: .notFound, title: "Not found", detail: detail)
    }

    static func invalid(_ detail: String, field: String? = nil) -> Problem {
        Problem("invalid-request", status: .unprocessableContent, title: "Invalid request", detail: detail,
                errors: field.map { [FieldError(field: $0, message: detail)] })
    }

    static func malformed(_ detail: String) -> Problem {
        Problem("malformed-request", status: .badRequest, title: "Malformed request", detail: detail)
    }

    static func conflict(_ slug: String, _ detail: String) -> Problem {
        Problem(slug, status: .conflict, title: "Conflict", detail: detail)
    }

    static func refused(_ code: ResultCode, _ detail: String) -> Problem {
        Problem("submission-refused", status: .unprocessableContent, title: "Submission refused: \(code.title)",
                detail: detail, resultCode: code)
    }
}
