import FaxEngine
import Foundation
import HTTPTypes
import Hummingbird
import NIOPosix
import PagewireCore

/// `/documents`: the user's document library. Upload a file with a title and a quality (checked
/// by rendering it once, so a file that cannot be faxed is refused at once and the page count is
/// known), list, rename, delete, download, and pick it again on `/send`.
///
/// Content lives in the company's vault (`DocumentLibrary`); another tenant's id is 404.
struct DocumentsController: Sendable {
    let database: Database
    let renderer: PageRenderer
    let vault: Vault

    var library: DocumentLibrary { DocumentLibrary(documents: vault.documents) }

    func addRoutes(to router: Router<PortalRequestContext>) {
        router.get("/documents") { request, context in
            let session = try context.requireSession()
            let notice: String? = switch request.uri.queryParameters["done"].map(String.init) {
            case "added": "Document stored."
            case "deleted": "Document deleted."
            default: nil
            }
            return try await page(session, context, notice: notice)
        }
        router.post("/documents") { _, context in try await upload(context) }
        router.get("/documents/:id") { request, context in
            let session = try context.requireSession()
            let notice = request.uri.queryParameters["done"] == "renamed" ? "Title saved." : nil
            return try await detail(session, context, id: try Self.id(context), notice: notice)
        }
        router.post("/documents/:id") { _, context in
            let session = try context.requireSession()
            let id = try Self.id(context)
            do {
                try await library.rename(id, to: context.form["title"] ?? "", scope: session.scope)
            } catch DocumentLibrary.LibraryError.notFound {
                throw PortalError.notFound
            } catch let error as DocumentLibrary.LibraryError {
                return try await detail(session, context, id: id, error: error.description, status: .badRequest)
            }
            return PageRenderer.redirect("/documents/\(id)?done=renamed")
        }
        router.post("/documents/:id/delete") { _, context in
            let session = try context.requireSession()
            do {
                try await library.delete(try Self.id(context), scope: session.scope,
                                         actor: .user(session.user.id, label: session.user.username, ip: context.remoteAddress))
            } catch DocumentLibrary.LibraryError.notFound {
                throw PortalError.notFound
            }
            return PageRenderer.redirect("/documents?done=deleted")
        }
        router.get("/documents/:id/file") { request, context in try await download(request, context) }
    }

    static func id(_ context: PortalRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }), id > 0 else { throw PortalError.notFound }
        return id
    }

    private func page(_ session: PortalSession, _ context: PortalRequestContext, notice: String? = nil, error: String? = nil,
                      title: String = "", quality: String = "fine", status: HTTPResponse.Status = .ok) async throws -> Response {
        let model = try await DocumentsModel.query(
            session: session, database: database, library: library, notice: notice, error: error, title: title, quality: quality)
        return try renderer.render("portal/documents", title: "Documents", page: model, context: context, current: "/documents", status: status)
    }

    private func detail(_ session: PortalSession, _ context: PortalRequestContext, id: Int64, notice: String? = nil, error: String? = nil,
                        status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let model = try await DocumentModel.query(id: id, session: session, database: database, library: library, notice: notice, error: error)
        else { throw PortalError.notFound }
        return try renderer.render("portal/document", title: model.title, page: model, context: context, current: "/documents", status: status)
    }

    // MARK: - Upload

    private func upload(_ context: PortalRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let form = context.form
        let qualityText = form["quality"] ?? "fine"
        let titleText = form["title"] ?? ""
        func refuse(_ reason: String) async throws -> Response {
            try await page(session, context, error: reason, title: titleText, quality: qualityText, status: .badRequest)
        }
        guard let quality = FaxQuality(rawValue: qualityText) else { return try await refuse("Choose a quality: standard, fine or superfine.") }
        guard let companyID = session.companyID else { return try await refuse("Only users of a company can store documents.") }
        guard let file = form.file("file") else {
            let sentEmpty = form.files.contains { $0.field == "file" && !$0.filename.isEmpty }
            return try await refuse(sentEmpty ? "The file you chose is empty." : "Choose a file to upload.")
        }
        let name = DocumentLibrary.safeFileName(file.filename)
        guard file.bytes.count <= DocumentLibrary.maximumBytes else {
            return try await refuse("\(name) is larger than \(DocumentLibrary.maximumBytes >> 20) MiB, the most the library takes.")
        }
        guard let contentType = AttachmentSniffer.mediaType(of: file.bytes, filename: name) else {
            return try await refuse("\(name) is not a document that can be faxed: upload a PDF, TIFF, PNG, JPEG, GIF, text, Word or OpenDocument file.")
        }
        let title: String
        do {
            title = try DocumentLibrary.checkedTitle(titleText.trimmingCharacters(in: .whitespaces).isEmpty
                ? (name as NSString).deletingPathExtension : titleText)
        } catch {
            return try await refuse(error.description)
        }
        let bytes = file.bytes
        let counted = try await NIOThreadPool.singleton.runIfActive { Self.countPages(bytes, fileName: name, quality: quality) }
        let pages: Int
        switch counted {
        case .success(let n): pages = n
        case .failure(let error): return try await refuse("\(name): \(error.description)")
        }
        do {
            try await library.add(
                accountID: session.account.id, companyID: companyID, userID: session.user.id, title: title, fileName: name,
                contentType: contentType, quality: quality, pages: pages, bytes: bytes, scope: session.scope)
        } catch let error as DocumentLibrary.LibraryError {
            return try await refuse(error.description)
        } catch is VaultError {
            return try await refuse("Your company's document vault is not set up yet. Ask your administrator.")
        }
        return PageRenderer.redirect("/documents?done=added")
    }

    /// Renders the upload once at `quality` in a scratch directory: the renderer's verdict and page count.
    /// Blocking (child processes): called on the thread pool.
    static func countPages(_ bytes: [UInt8], fileName: String, quality: FaxQuality) -> Result<Int, RenderError> {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pw-library-\(UInt64.random(in: 0...UInt64.max))")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            return .failure(.failed("no room to check the document"))
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let ext = String((fileName as NSString).pathExtension.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(5))
        let input = directory.appendingPathComponent(ext.isEmpty ? "upload" : "upload.\(ext)")
        do { try Data(bytes).write(to: input) } catch { return .failure(.failed("no room to check the document")) }
        let options = RenderOptions(resolution: FaxResolution(rawValue: quality.rawValue) ?? .fine)
        do {
            return .success(try DocumentRenderer(options: options).render(input, fileName: input.lastPathComponent,
                                                                          to: directory.appendingPathComponent("pages.tif")).pages)
        } catch {
            return .failure(error)
        }
    }

    // MARK: - Download

    private func download(_ request: Request, _ context: PortalRequestContext) async throws -> Response {
        let session = try context.requireSession()
        guard let entry = try await library.get(try Self.id(context), scope: session.scope) else { throw PortalError.notFound }
        let reader = await PortalVaultAccess(vault: vault).reader(
            request, session: session, companyID: entry.companyID, action: .documentDownload, ip: context.remoteAddress,
            purpose: "portal download of library document \(entry.id)")
        let bytes: [UInt8]
        do {
            bytes = try await vault.documents.read(entry.documentID, companyID: entry.companyID, reader: reader)
        } catch VaultError.noAccess {
            return try renderer.render(
                "portal/error", title: "Documents locked",
                page: ErrorPageMiddleware.ErrorPage(status: 403, heading: "Documents locked",
                                                    message: "Your access to stored documents is not set up: sign in again, or ask an administrator to grant it."),
                context: context, status: .forbidden)
        }
        let ascii = String(entry.fileName.unicodeScalars.map { $0.isASCII ? Character($0) : "_" })
        let encoded = entry.fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: ".-_"))) ?? ascii
        let headers: HTTPFields = [
            .contentType: entry.contentType, .cacheControl: "private, no-store",
            .contentDisposition: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)",
        ]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
