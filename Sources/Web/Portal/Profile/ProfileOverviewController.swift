import Hummingbird
import PagewireCore

/// `/profile`: the signed-in user changes their display name and manages their own sending
/// addresses for e-mail to fax (the password has its own page, `/profile/password`).
struct ProfileOverviewController: Sendable {
    let database: Database
    let renderer: PageRenderer

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get("/profile") { request, context in
            let session = try context.requireSession()
            let notice: String? = switch request.uri.queryParameters["done"].map(String.init) {
            case "name": "Your name was saved."
            case "added": "Address confirmed: you can e-mail faxes from it now."
            case "verify": "We e-mailed a link to \(request.uri.queryParameters["address"].map(String.init) ?? "the address"). The address works once you open the link there while signed in."
            case "removed": "Address removed."
            default: nil
            }
            return try await page(session, context, notice: notice, error: nil)
        }
        router.post("/profile/name") { _, context in
            let session = try context.requireSession()
            do {
                try await UserRepository(database: database).setDisplayName(
                    userID: session.user.id, context.form["display_name"] ?? "", scope: session.account.scope)
            } catch let error as AccountError where error != .notFound {
                return try await page(session, context, notice: nil, error: error.description, status: .badRequest)
            }
            return PageRenderer.redirect("/profile?done=name")
        }
        // An address of one's own works only after the link e-mailed to it is opened.
        router.post("/profile/addresses") { _, context in
            let session = try context.requireSession()
            do {
                switch try await SendingAddressVerification(database: database).request(context.form["address"] ?? "", userID: session.user.id) {
                case .sent(let address):
                    return PageRenderer.redirect("/profile?done=verify&address=\(address.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
                case .limited:
                    return try await page(session, context, notice: nil, error: "Too many confirmation e-mails this hour. Try again later.", status: .tooManyRequests)
                }
            } catch let refusal as MailAdministration.Refusal {
                return try await page(session, context, notice: nil, error: refusal.description, status: .badRequest)
            }
        }
        router.get("/profile/addresses/confirm") { request, context in
            let session = try context.requireSession()
            let token = request.uri.queryParameters["token"].map(String.init) ?? ""
            let address = try await SendingAddressVerification(database: database).pending(token: token, userID: session.user.id)
            let model = ConfirmAddressModel(token: token, address: address ?? "", valid: address != nil)
            return try renderer.render("profile/confirm", title: "Confirm sending address", page: model, context: context, current: "/profile",
                                       status: address == nil ? .badRequest : .ok)
        }
        router.post("/profile/addresses/confirm") { _, context in
            let session = try context.requireSession()
            let token = context.form["token"] ?? ""
            let actor = AuditActor.user(session.user.id, label: session.user.username, ip: context.remoteAddress)
            do {
                guard try await SendingAddressVerification(database: database).confirm(token: token, userID: session.user.id, actor: actor) != nil else {
                    let model = ConfirmAddressModel(token: "", address: "", valid: false)
                    return try renderer.render("profile/confirm", title: "Confirm sending address", page: model, context: context, current: "/profile", status: .badRequest)
                }
            } catch let refusal as MailAdministration.Refusal {
                return try await page(session, context, notice: nil, error: refusal.description, status: .badRequest)
            }
            return PageRenderer.redirect("/profile?done=added")
        }
        router.post("/profile/addresses/remove") { _, context in
            let session = try context.requireSession()
            return try await change(session, context, done: "removed") {
                try await $0.removeOwnAddress(context.form["address"] ?? "", userID: session.user.id, by: $1)
            }
        }
    }

    private func change(
        _ session: PortalSession, _ context: PortalRequestContext, done: String,
        _ body: (MailAdministration, AuditActor) async throws -> Void
    ) async throws -> Response {
        do {
            try await body(MailAdministration(database: database), .user(session.user.id, label: session.user.username, ip: context.remoteAddress))
        } catch let refusal as MailAdministration.Refusal {
            let message = refusal == .notFound ? "That address is not one of yours." : refusal.description
            return try await page(session, context, notice: nil, error: message, status: .badRequest)
        }
        return PageRenderer.redirect("/profile?done=\(done)")
    }

    private func page(_ session: PortalSession, _ context: PortalRequestContext, notice: String?, error: String?,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let administration = MailAdministration(database: database)
        let addresses = try await administration.ownAddresses(userID: session.user.id)
        let domains = try await administration.companyDomains(userID: session.user.id)
        // The user as stored now (the session's copy is from the start of this request).
        let user = try await UserRepository(database: database).get(session.user.id, scope: session.account.scope) ?? session.user
        let model = ProfileOverviewModel(
            username: user.username, email: user.email, displayName: user.displayName, addresses: addresses, hasAddresses: !addresses.isEmpty,
            faxDomains: domains.map { "2065550100@" + $0 }, hasFaxDomains: !domains.isEmpty, notice: notice, error: error)
        return try renderer.render("profile/overview", title: "Profile", page: model, context: context, current: "/profile", status: status)
    }
}
