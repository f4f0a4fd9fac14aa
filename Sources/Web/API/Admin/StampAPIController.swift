import Foundation
import Hummingbird
import PagewireCore

/// `/v1/accounts/{id}/stamp`: the inbound header/footer of a node (text with tokens, header or
/// footer, first or every page; or none), inherited like every setting, and a PNG preview of
/// sample received pages stamped by the delivery's own code; behind the header/footer rights.
struct StampAPIController: Sendable {
    let database: Database

    func addRoutes(to routes: AdminAPIRoutes) {
        routes.on(.get, "accounts/:account/stamp") { _, _, target in
            try await resource(target)
        }
        routes.on(.put, "accounts/:account/stamp") { request, context, target in
            let body: Body = try await APIBody.decode(request, context)
            let stamp = try body.stamp(required: true)
            do {
                try await SettingsRepository(database: database).set(Settings.inboundStamp, to: stamp, atAccount: target.account.id,
                                                                     scope: target.scope, by: AccountsAPIController.actor(context))
            } catch let error as SettingsError {
                throw Problem.invalid(error.description, field: "text")
            }
            return try await resource(target)
        }
        routes.on(.delete, "accounts/:account/stamp") { _, context, target in
            try await SettingsRepository(database: database).reset(Settings.inboundStamp, atAccount: target.account.id, scope: target.scope,
                                                                   by: AccountsAPIController.actor(context))
            return try await resource(target)
        }
        routes.on(.post, "accounts/:account/stamp/preview") { request, context, target in
            let body: Body = try await APIBody.decode(request, context)
            let stamp = try body.stamp(required: false)
            let page = body.page ?? 1
            guard (1...3).contains(page) else { throw Problem.invalid("page is 1 to 3 (the sample fax has three pages)", field: "page") }
            let png = try await StampAdminController.preview(stamp, target: target, database: database, page: page)
            return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
        }
    }

    struct Body: Decodable {
        /// False sets "no header/footer" at this node (an override, unlike DELETE).
        var enabled: Bool?
        var text: String?
        var position: String?
        var pages: String?
        /// Preview only: which sample page (1 to 3).
        var page: Int?

        /// The stamp the body describes (nil: none); `required` refuses a missing text unless disabled.
        func stamp(required: Bool) throws -> InboundStamp? {
            if enabled == false { return nil }
            let text = (self.text ?? "").trimmingCharacters(in: .whitespaces)
            if text.isEmpty {
                if required { throw Problem.invalid("text is required (or enabled: false for no header/footer)", field: "text") }
                return nil
            }
            guard let position = StampPosition(rawValue: self.position ?? "footer") else { throw Problem.invalid("position is header or footer", field: "position") }
            guard let pages = StampPages(rawValue: self.pages ?? "every") else { throw Problem.invalid("pages is first or every", field: "pages") }
            let stamp = InboundStamp(text: text, position: position, pages: pages)
            if let problem = Settings.inboundStamp.problem(with: stamp) { throw Problem.invalid(problem, field: "text") }
            return stamp
        }
    }

    struct Resource: Encodable {
        var stamp: InboundStamp?
        var origin: AccountsAPIController.OriginResource
        var tokens: [String]

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            // `stamp: null` says "no header/footer" explicitly.
            try c.encode(stamp, forKey: .stamp)
            try c.encode(origin, forKey: .origin)
            try c.encode(tokens, forKey: .tokens)
        }

        enum CodingKeys: String, CodingKey { case stamp, origin, tokens }
    }

    private func resource(_ target: AdminTarget) async throws -> Response {
        let resolved = try await SettingsRepository(database: database).effective(Settings.inboundStamp, forAccount: target.account.id, scope: target.scope)
        return try APIJSON.response(Resource(stamp: resolved.value, origin: .init(resolved.origin, node: target.account.id),
                                             tokens: InboundStamp.tokens.map { "{\($0)}" }))
    }
}
