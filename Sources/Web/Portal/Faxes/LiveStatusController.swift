import Foundation
import Hummingbird
import PagewireCore

/// `GET /live/faxes?id=…&id=…`: the current status of faxes the signed-in user may see, as JSON
/// for the outbox's and fax page's script (`/static/live-status.js`), which polls it every few
/// seconds while a fax shown is not final. The pages work without it.
///
/// Answers 401 without a session, 400 for no, too many or unreadable ids, and 404 when any id
/// is not the user's to see (another tenant's id reads exactly like a missing one). Polling does
/// not refresh the session's idle clock.
struct LiveStatusController: Sendable {
    let database: Database

    static let path = "/live/faxes"
    static let maximumIDs = 100

    /// Requests that must not count as user activity.
    static func isPollingPath(_ path: String) -> Bool { path == Self.path }

    /// One fax in the answer: what the page shows, under the names its `data-live` cells carry.
    struct Status: Encodable, Equatable {
        let id: Int64
        let stateCode: String
        let final: Bool
        let state: String
        let result: String
        let resultLong: String
        let pages: String
        let pagesLong: String
        let attempts: String
        let attemptsLong: String
    }

    struct Answer: Encodable {
        let faxes: [Status]
    }

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get(RouterPath(Self.path)) { request, context in try await statuses(request, context) }
    }

    private func statuses(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        guard let session = context.session, !session.needsSecondFactor else { return Self.json(.unauthorized, ["error": "sign-in required"]) }
        let texts = request.uri.queryParameters.getAll("id")
        let ids = texts.compactMap { Int64($0) }.filter { $0 > 0 }
        guard !ids.isEmpty, ids.count == texts.count, ids.count <= Self.maximumIDs else {
            return Self.json(.badRequest, ["error": "give 1 to \(Self.maximumIDs) fax ids as id=…"])
        }
        let viewer = FaxHistory.Viewer(scope: session.scope, onlyUser: session.ownFaxesOnly ? session.user.id : nil)
        let found = try await FaxHistory(database: database).liveStatuses(ids, viewer: viewer)
        guard found.count == Set(ids).count else { return Self.json(.notFound, ["error": "not found"]) }
        let byID = Dictionary(uniqueKeysWithValues: found.map { ($0.summary.id, $0) })
        var seen = Set<Int64>()
        let faxes = ids.filter { seen.insert($0).inserted }.compactMap { byID[$0] }.map { live in
            let fax = live.summary
            return Status(
                id: fax.id, stateCode: fax.state.rawValue, final: fax.state.isFinal, state: fax.stateText,
                result: fax.resultText, resultLong: fax.resultLongText, pages: fax.pagesText, pagesLong: fax.pagesLongText,
                attempts: String(fax.attempts), attemptsLong: fax.attemptsLongText(maxAttempts: live.maxAttempts))
        }
        return Self.json(.ok, Answer(faxes: faxes))
    }

    private static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
