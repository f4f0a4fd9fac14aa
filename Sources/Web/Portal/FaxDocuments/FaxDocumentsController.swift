import FaxEngine
import Foundation
import HTTPTypes
import Hummingbird
import PagewireCore

/// A fax's pages in the portal: PNG thumbnails of the rendered pages, and the fax as PDF or TIFF
/// (all pages or a range), to view in the browser or download.
///
/// Content is for users of the fax's company only (platform and reseller staff see the metadata
/// in their subtree, never the pages: 403); another tenant's fax is 404 like a missing one; a
/// document purged under the retention policy is a 410 page. The document is opened with the
/// company key from the user's vault session (cookie `pw_vault`, opened at sign-in), or through the
/// platform's transit copy while the fax is still being processed or the company is in managed mode.
struct FaxDocumentsController: Sendable {
    let database: Database
    let vault: Vault
    let renderer: PageRenderer

    static let vaultCookieName = "pw_vault"

    /// The cookie that carries the vault session token (its secret exists nowhere else).
    static func vaultCookie(_ token: String) -> String {
        "\(vaultCookieName)=\(token); Path=/; HttpOnly; Secure; SameSite=Lax"
    }

    static var expiredVaultCookie: String {
        "\(vaultCookieName)=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax"
    }

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get("/faxes/:id/pages/:n") { request, context in try await explaining(context) { try await thumbnail(request, context) } }
        router.get("/faxes/:id/document") { request, context in try await explaining(context) { try await document(request, context) } }
    }

    /// Why the pages cannot be shown, as a branded page with that status.
    struct Unavailable: Error {
        let status: HTTPResponse.Status
        let heading: String
        let message: String
    }

    private func explaining(_ context: PortalRequestContext, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let unavailable as Unavailable {
            return try renderer.render(
                "portal/error", title: unavailable.heading,
                page: ErrorPageMiddleware.ErrorPage(status: unavailable.status.code, heading: unavailable.heading, message: unavailable.message),
                context: context, status: unavailable.status)
        }
    }

    /// What a signed-in user may read of a fax: its rendered pages, opened.
    private struct Readable {
        let faxID: Int64
        let pages: [FaxEngine.FaxPage]
    }

    private func open(_ request: Request, _ context: PortalRequestContext, action: AuditAction) async throws -> Readable {
        let session = try context.requireSession()
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }), id > 0 else { throw PortalError.notFound }
        let viewer = FaxHistory.Viewer(scope: session.scope, onlyUser: session.ownFaxesOnly ? session.user.id : nil)
        guard try await FaxHistory(database: database).detail(id, viewer: viewer) != nil,
              let detail = try await FaxRepository(database: database).detail(id, scope: session.scope)
        else { throw PortalError.notFound }
        guard session.companyID == detail.fax.companyID else {
            throw Unavailable(status: .forbidden, heading: "Not your company's fax", message: "Only users of the fax's company can see its pages; you can see its details.")
        }
        // Sent faxes: the rendered pages; received faxes: the pages as received.
        guard let rendered = detail.documents.first(where: { $0.role == "rendered" || $0.role == "received" }) else {
            throw PortalError.badRequest("This fax has no pages yet: it is still being prepared.")
        }
        let actor = AuditActor.user(session.user.id, label: session.user.username, ip: context.remoteAddress)
        let bytes: [UInt8]
        do {
            bytes = try await vault.documents.read(
                rendered.documentID, companyID: detail.fax.companyID,
                reader: try await reader(request, companyID: detail.fax.companyID, actor: actor, action: action, faxID: id))
        } catch VaultError.documentExpired {
            throw Unavailable(status: .gone, heading: "Pages deleted", message: "The pages of this fax were deleted under your company's retention policy; its details remain.")
        } catch VaultError.noAccess {
            throw Unavailable(status: .forbidden, heading: "Documents locked", message: "Your access to stored documents is not set up: sign in again, or ask an administrator to grant it.")
        }
        // Pagewire's own TIFF, decoded by Pagewire (FaxTIFF), never by a third-party parser in this process.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-pages-\(UInt64.random(in: 0...UInt64.max)).tif")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(bytes).write(to: file)
        return Readable(faxID: id, pages: try FaxTIFF.readPages(file))
    }

    /// The company key from the user's vault session when they hold it, else the transit copy.
    private func reader(_ request: Request, companyID: Int64, actor: AuditActor, action: AuditAction, faxID: Int64) async throws -> DocumentReader {
        if let token = request.cookies[Self.vaultCookieName]?.value, !token.isEmpty,
           let user = try? await vault.sessions.unlock(token: token), user.userID == actor.userID,
           let company = try? await vault.keyring.unlockCompany(companyID: companyID, with: user) {
            return .user(company, actor: actor, action: action)
        }
        return .system(purpose: "portal \(action == .documentDownload ? "download" : "view") of fax \(faxID) by user \(actor.userID ?? 0)")
    }

    private func thumbnail(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let readable = try await open(request, context, action: .documentView)
        guard let n = context.parameters.get("n").flatMap({ Int($0) }), (1...readable.pages.count).contains(n) else { throw PortalError.notFound }
        let width = request.uri.queryParameters["width"].flatMap { Int($0) }.map { min(max($0, 100), 1200) } ?? 240
        let png = try FaxPagePreview.png(of: readable.pages[n - 1], width: width)
        return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "private, max-age=300"],
                        body: .init(byteBuffer: ByteBuffer(bytes: png)))
    }

    private func document(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        let download = q["download"] != nil
        let readable = try await open(request, context, action: download ? .documentDownload : .documentView)
        let selected: [Int]
        do {
            selected = try FaxPageSelection(parsing: q["pages"].map(String.init) ?? "").pages(of: readable.pages.count)
        } catch {
            throw PortalError.badRequest("Pages are numbers from 1 to \(readable.pages.count), as in 1-3,5.")
        }
        let format = q["format"].map(String.init) ?? "pdf"
        guard format == "pdf" || format == "tiff" else { throw PortalError.badRequest("The format is PDF or TIFF.") }
        let bytes = try FaxPageExport.bytes(of: readable.pages, selected: selected, pdf: format == "pdf")
        let filename = "fax-\(readable.faxID)\(FaxPageSelection.fileSuffix(selected, of: readable.pages.count)).\(format == "pdf" ? "pdf" : "tif")"
        var headers: HTTPFields = [
            .contentType: format == "pdf" ? "application/pdf" : "image/tiff", .cacheControl: "private, no-store",
            .contentDisposition: "\(download ? "attachment" : "inline"); filename=\"\(filename)\"",
        ]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
