import FaxEngine
import Foundation
import Hummingbird
import PagewireCore

/// The inbound header/footer of the Custom tab (`/admin/accounts/:account/stamp…`), behind the
/// header/footer rights: save, reset to inherited, and a live preview that stamps sample
/// received pages with the delivery's own stamping code (`InboundStampPreview`). The page's
/// script refreshes the preview image as the admin types; without script the Preview button
/// shows the unsaved values.
struct StampAdminController: Sendable {
    let database: Database
    let settingsPages: SettingsAdminController

    func addRoutes(to routes: AdminPortalRoutes) {
        routes.get("/admin/accounts/:account/stamp") { request, context, target in
            try await settingsPages.page(.custom, context, target, notice: request.uri.queryParameters["saved"] != nil ? "Header/footer saved." : nil)
        }
        routes.post("/admin/accounts/:account/stamp") { _, context, target in
            let draft = StampAdminModel.Draft(form: context.form)
            if let problem = Self.problem(draft) {
                return try await settingsPages.page(.custom, context, target, status: .badRequest, stampDraft: draft, stampError: problem)
            }
            do {
                try await SettingsRepository(database: database).set(Settings.inboundStamp, to: draft.stamp, atAccount: target.account.id,
                                                                     scope: target.scope, by: actor(context))
            } catch let error as SettingsError {
                return try await settingsPages.page(.custom, context, target, status: .badRequest, stampDraft: draft, stampError: error.description)
            }
            return PageRenderer.redirect(Self.back(target) + "?saved=1#stamp")
        }
        routes.post("/admin/accounts/:account/stamp/reset") { _, context, target in
            try await SettingsRepository(database: database).reset(Settings.inboundStamp, atAccount: target.account.id, scope: target.scope, by: actor(context))
            return PageRenderer.redirect(Self.back(target) + "?saved=1#stamp")
        }
        // Without script: the page again with the unsaved values and their preview (nothing is saved).
        routes.post("/admin/accounts/:account/stamp/preview") { _, context, target in
            let draft = StampAdminModel.Draft(form: context.form)
            let problem = Self.problem(draft)
            return try await settingsPages.page(.custom, context, target, status: problem == nil ? .ok : .badRequest, stampDraft: draft, stampError: problem)
        }
        routes.get("/admin/accounts/:account/stamp/preview.png") { request, _, target in
            let q = request.uri.queryParameters
            let text = (q["text"].map(String.init) ?? "").trimmingCharacters(in: .whitespaces)
            guard let position = StampPosition(rawValue: q["position"].map(String.init) ?? "footer"),
                  let pages = StampPages(rawValue: q["pages"].map(String.init) ?? "every"),
                  let page = Int(q["page"].map(String.init) ?? "1"), (1...3).contains(page)
            else { return Self.plain(.badRequest, "position is header or footer, pages is first or every, page is 1 to 3") }
            let draft = StampAdminModel.Draft(enabled: !text.isEmpty, text: text, position: position, pages: pages)
            if let problem = Self.problem(draft) { return Self.plain(.badRequest, problem) }
            let png = try await Self.preview(draft.stamp, target: target, database: database, page: page)
            return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
        }
    }

    /// Why the draft cannot be saved (tokens, length), or nil; a disabled draft is always fine.
    static func problem(_ draft: StampAdminModel.Draft) -> String? {
        guard let stamp = draft.stamp else { return nil }
        return Settings.inboundStamp.problem(with: stamp).map { "Header/footer: " + $0 + "." }
    }

    /// Page `page` of the sample received fax stamped with `stamp` (nil: unstamped), its tokens
    /// filled in the node's time zone and date and time formats.
    static func preview(_ stamp: InboundStamp?, target: AdminTarget, database: Database, page: Int) async throws -> [UInt8] {
        let settings = SettingsRepository(database: database)
        let id = target.account.id
        let zone = try await settings.effective(Settings.timeZone, forAccount: id, scope: target.scope).value
        let date = try await settings.effective(Settings.dateFormat, forAccount: id, scope: target.scope).value
        let time = try await settings.effective(Settings.timeFormat, forAccount: id, scope: target.scope).value
        let json = [Settings.timeZone.name: try Self.json(zone), Settings.dateFormat.name: try Self.json(date), Settings.timeFormat.name: try Self.json(time)]
        let options = InboundDeliveryOptions(settings: json)
        let fax = InboundStamp.sampleFax()
        guard let stamp else { return try FaxPagePreview.png(of: InboundStampPreview.samplePages(count: 1)[0], width: 612) }
        return try InboundStampPreview.png(stamp: stamp, fax: fax, options: options, page: page)
    }

    private static func json(_ text: String) throws -> String { String(decoding: try JSONEncoder().encode(text), as: UTF8.self) }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Where the section lives for this caller: the Custom tab, or its header/footer-only view.
    static func back(_ target: AdminTarget) -> String {
        target.may(.viewSettings) ? "/admin/accounts/\(target.account.id)/settings/custom" : "/admin/accounts/\(target.account.id)/stamp"
    }

    private func actor(_ context: PortalRequestContext) -> AuditActor {
        guard let user = context.session?.user else { return .system("portal") }
        return .user(user.id, label: user.username, ip: context.remoteAddress)
    }
}
