import Foundation
import Hummingbird
import PagewireCore

/// The request context of `/v1`: the per-request identity only (the authenticated principal).
///
/// Built from the application router's context by `router.group("v1", context:)`; when the
/// application's context type changes, `Source` follows it.
struct APIRequestContext: RequestContext {
    typealias Source = PortalRequestContext

    var coreContext: CoreRequestContextStorage
    /// Set by `BearerAuthenticationMiddleware`; nil only on the public routes.
    var principal: APIPrincipal?
    /// The peer's IP address (recorded with electronic signatures).
    let remoteAddress: String?

    init(source: Source) {
        // Keep the router's storage: it holds the path parameters matched for this request.
        coreContext = source.coreContext
        principal = nil
        remoteAddress = source.remoteAddress
    }

    /// The principal, for routes behind the authentication middleware.
    func requirePrincipal() throws -> APIPrincipal {
        guard let principal else { throw Problem.unauthorized("no credentials were presented") }
        return principal
    }

    var requestDecoder: JSONDecoder { APIJSON.decoder }
    var responseEncoder: JSONEncoder { APIJSON.encoder }
}

/// The JSON conventions of `/v1`: snake_case keys, RFC 3339 times in UTC.
enum APIJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// A JSON response with `status`.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let data = try encoder.encode(value)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension HTTPFields.Element.Name {
    /// `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): repeats return the first result.
    static let idempotencyKey = Self("Idempotency-Key")!
    /// Set on a 202 that repeats an earlier submission with the same key.
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}
