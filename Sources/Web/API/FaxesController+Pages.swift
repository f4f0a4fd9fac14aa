import FaxEngine
import Foundation
import Hummingbird
import NIOPosix
import PagewireCore

extension FaxesController {
    /// `GET /v1/faxes/{id}/pages?format=tiff|pdf&pages=N|N-M|N-[,…]`: the rendered fax pages, once
    /// rendering has finished, as one multi-page TIFF (as transmitted) or a PDF, whole or a range
    /// of pages (1-based, `FaxPageSelection`). A malformed or out-of-range request is a 400 problem.
    @Sendable func downloadPages(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try Self.id(context)
        let query = request.uri.queryParameters
        let format = query["format"].map(String.init) ?? "tiff"
        guard ["tiff", "pdf"].contains(format) else {
            throw Problem("invalid-format", status: .badRequest, title: "Invalid format", detail: "format is tiff or pdf")
        }
        let selection: FaxPageSelection
        do {
            selection = try FaxPageSelection(parsing: query["pages"].map(String.init) ?? "")
        } catch {
            throw Self.invalidPages(error.reason)
        }
        guard let detail = try await faxes.detail(id, scope: principal.scope) else { throw Problem.notFound("no such fax") }
        guard let document = detail.documents.first(where: { $0.role == "rendered" }) else {
            throw Problem.notFound("the fax has not been rendered (yet)")
        }
        if format == "tiff" && selection.isEverything {
            return try await stream(document, of: detail, principal: principal, filename: "fax-\(id).tif")
        }
        try requireContentAccess(detail, principal: principal)
        let bytes = try await documents.read(document.documentID, companyID: detail.fax.companyID,
                                             reader: .system(purpose: "api download by user \(principal.userID)"))
        let converted = try await NIOThreadPool.singleton.runIfActive { () throws -> (bytes: [UInt8], name: String) in
            let pages = try FaxPageExport.pages(ofTIFF: bytes)
            let selected: [Int]
            do {
                selected = try selection.pages(of: pages.count)
            } catch let invalid as FaxPageSelection.Invalid {
                throw Self.invalidPages(invalid.reason)
            }
            let name = "fax-\(id)" + (selection.isEverything ? "" : FaxPageSelection.fileSuffix(selected, of: pages.count))
            return (try FaxPageExport.bytes(of: pages, selected: selected, pdf: format == "pdf"), name)
        }
        var headers: HTTPFields = [:]
        headers[.contentType] = format == "pdf" ? "application/pdf" : "image/tiff"
        headers[.contentDisposition] = "attachment; filename=\"\(converted.name).\(format == "pdf" ? "pdf" : "tif")\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: converted.bytes)))
    }

    static func invalidPages(_ detail: String) -> Problem {
        Problem("invalid-page-range", status: .badRequest, title: "Invalid page range", detail: detail)
    }

    /// Pages are for the company's own people; platform operators and reseller staff see a fax's
    /// metadata in their subtree, never its content (the vault's promise).
    func requireContentAccess(_ detail: FaxDetail, principal: APIPrincipal) throws {
        guard principal.companyID == detail.fax.companyID else {
            throw Problem("no-access-to-content", status: .forbidden, title: "No access to content",
                          detail: "only users of the fax's company can read its documents")
        }
    }
}
