import Hummingbird
import PagewireCore

/// `/numbers`: the signed-in user's fax numbers, and how faxes received on them are delivered:
/// forwarded by e-mail to up to three addresses, as PDF, TIFF or TIFF-HiRes.
///
/// The choices are the user's own overrides of `Settings.inboundEmailAddresses` and
/// `Settings.inboundFileType`, the keys inbound delivery resolves for the number's user when a
/// fax arrives (`InboundDeliveries.settings(for:)`): they hold for every number of the user and
/// take effect with the next received fax.
struct MyNumbersController: Sendable {
    let database: Database
    let renderer: PageRenderer

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get("/numbers") { request, context in
            let session = try context.requireSession()
            let notice = request.uri.queryParameters["done"] == "saved" ? "Saved: the next fax you receive is delivered this way." : nil
            return try await page(session, context, notice: notice)
        }
        router.post("/numbers") { _, context in try await save(context) }
        router.get("/numbers/:id") { _, context in
            let session = try context.requireSession()
            guard let id = context.parameters.get("id").flatMap({ Int64($0) }),
                  let model = try await MyNumberModel.query(id: id, session: session, database: database) else { throw PortalError.notFound }
            return try renderer.render("portal/my-number", title: model.number, page: model, context: context, current: "/numbers")
        }
    }

    private func page(_ session: PortalSession, _ context: PortalRequestContext, addresses: [String]? = nil, fileType: String? = nil,
                      notice: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let model = try await MyNumbersModel.query(
            session: session, database: database, addresses: addresses, fileType: fileType, notice: notice, error: error)
        return try renderer.render("portal/my-numbers", title: "My numbers", page: model, context: context, current: "/numbers", status: status)
    }

    private func save(_ context: PortalRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let typed = context.form.all("email").map { $0.trimmingCharacters(in: .whitespaces) }
        let fileTypeText = context.form["file_type"] ?? ""
        func refuse(_ reason: String) async throws -> Response {
            try await page(session, context, addresses: typed, fileType: fileTypeText, error: reason, status: .badRequest)
        }
        var addresses: [String] = []
        for address in typed where !address.isEmpty {
            guard InboundAddress.isPlausible(address) else { return try await refuse("\(address) is not an e-mail address.") }
            if !addresses.contains(where: { $0.lowercased() == address.lowercased() }) { addresses.append(address) }
        }
        guard addresses.count <= 3 else { return try await refuse("Received faxes go to at most three e-mail addresses.") }
        guard let fileType = InboundFileType(rawValue: fileTypeText) else { return try await refuse("Choose a file type: PDF, TIFF or TIFF-HiRes.") }
        let settings = SettingsRepository(database: database)
        let actor = AuditActor.user(session.user.id, label: session.user.username, ip: context.remoteAddress)
        do {
            try await settings.set(Settings.inboundEmailAddresses, to: addresses, forUser: session.user.id, scope: session.scope, by: actor)
            try await settings.set(Settings.inboundFileType, to: fileType, forUser: session.user.id, scope: session.scope, by: actor)
        } catch SettingsError.invalidValue(_, let reason) {
            return try await refuse(reason)
        }
        return PageRenderer.redirect("/numbers?done=saved")
    }
}
