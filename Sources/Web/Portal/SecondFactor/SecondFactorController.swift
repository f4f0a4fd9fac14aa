import Foundation
import Hummingbird
import PagewireCore

/// `/signin/second-factor`: the TOTP step of platform and reseller staff after their password.
/// Someone without a confirmed authenticator sees the secret to set one up (key and
/// `otpauth://` link) and confirms it with a first code; everyone else types the current code.
struct SecondFactorController: Sendable {
    let database: Database
    let renderer: PageRenderer
    let secondFactor: SecondFactor

    static let path = "/signin/second-factor"
    /// What a session waiting for its second factor may reach.
    static let allowedPaths: Set<String> = [path, "/signout", "/static/portal.css", "/brand.css", "/healthz"]

    struct Model: Sendable {
        let enrolling: Bool
        /// The key in groups of four, for typing into an app.
        let key: String
        let uri: String
        /// The `otpauth://` URI as an inline SVG QR code (drawn here, so it needs no script and no
        /// image request); nil when the URI is too long for a QR code.
        let qrSVG: String?
        let error: String?
    }

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get(RouterPath(Self.path)) { _, context in
            let session = try context.requireSession()
            guard session.needsSecondFactor else { return PageRenderer.redirect("/dashboard") }
            return try await page(session, context, error: nil)
        }
        router.post(RouterPath(Self.path)) { request, context in
            let session = try context.requireSession()
            guard session.needsSecondFactor else { return PageRenderer.redirect("/dashboard") }
            switch try await secondFactor.verify(userID: session.user.id, code: context.form["code"] ?? "") {
            case .accepted:
                guard let token = request.cookies[SessionMiddleware.cookieName]?.value else { throw PortalError.signInRequired }
                let expired = try await passwordExpired(session.user.id)
                try await SessionRepository(database: database).setStage(token: token, expired ? .passwordChange : .active)
                return PageRenderer.redirect(expired ? "/profile/password" : "/dashboard")
            case .refused:
                return try await page(session, context, error: "That code is not right. Type the 6 digits your app shows now.", status: .badRequest)
            case .tooManyAttempts:
                return try await page(session, context, error: "Too many codes were tried. Wait a few minutes and try again.", status: .tooManyRequests)
            }
        }
    }

    private func passwordExpired(_ userID: Int64) async throws -> Bool {
        let changed = try await database.query("SELECT password_changed_at FROM users WHERE id = ?", userID).first?.optional("password_changed_at", as: Date.self)
        return try await SettingsRepository(database: database).effective(Settings.securityPolicy, forUser: userID).value.isExpired(changedAt: changed)
    }

    private func page(_ session: PortalSession, _ context: PortalRequestContext, error: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        var model = Model(enrolling: false, key: "", uri: "", qrSVG: nil, error: error)
        if try await secondFactor.status(userID: session.user.id) == .enrolling,
           let secret = try await secondFactor.enrolmentSecret(userID: session.user.id) {
            let key = TOTP.base32(secret)
            let grouped = stride(from: 0, to: key.count, by: 4).map { i in
                String(key[key.index(key.startIndex, offsetBy: i)..<key.index(key.startIndex, offsetBy: min(i + 4, key.count))])
            }.joined(separator: " ")
            let uri = TOTP.provisioningURI(secret: secret, account: session.user.username, issuer: context.brand.name)
            let qrSVG = (try? QRCode(text: uri, errorCorrection: .medium))?.svg(moduleSize: 4, label: "QR code of the key for your authenticator app")
            model = Model(enrolling: true, key: grouped, uri: uri, qrSVG: qrSVG, error: error)
        }
        return try renderer.render("second-factor/code", title: "Second sign-in step", page: model, context: context, status: status)
    }
}
