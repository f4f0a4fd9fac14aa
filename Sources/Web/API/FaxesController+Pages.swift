import FaxEngine
import Foundation
import Hummingbird
import NIOPosix
import PagewireCore

extension FaxesController {
    /// `GET /v1/faxes/{id}/pages?format=tiff|pdf&pages=N|N-M|N-`: the rendered fax pages, once
    /// rendering has finished, as one multi-page TIFF (as transmitted) or a PDF, whole or a range
    /// of pages (1-based). A malformed or out-of-range request is a 400 problem.
    @Sendable func downloadPages(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try Self.id(context)
        let query = request.uri.queryParameters
        let format = query["format"].map(String.init) ?? "tiff"
        guard ["tiff", "pdf"].contains(format) else {
            throw Problem("invalid-format", status: .badRequest, title: "Invalid format", detail: "format is tiff or pdf")
        }
        let requested = try query["pages"].map { try PageRange(parsing: String($0)) }
        guard let detail = try await faxes.detail(id, scope: principal.scope) else { throw Problem.notFound("no such fax") }
        guard let document = detail.documents.first(where: { $0.role == "rendered" }) else {
            throw Problem.notFound("the fax has not been rendered (yet)")
        }
        if format == "tiff" && requested == nil {
            return try await stream(document, of: detail, principal: principal, filename: "fax-\(id).tif")
        }
        try requireContentAccess(detail, principal: principal)
        let bytes = try await documents.read(document.documentID, companyID: detail.fax.companyID,
                                             reader: .system(purpose: "api download by user \(principal.userID)"))
        let converted = try await NIOThreadPool.singleton.runIfActive {
            try Self.convert(bytes, range: requested, pdf: format == "pdf")
        }
        var name = "fax-\(id)"
        if let range = converted.range { name += range.lowerBound == range.upperBound ? "-page-\(range.lowerBound)" : "-pages-\(range.lowerBound)-\(range.upperBound)" }
        var headers: HTTPFields = [:]
        headers[.contentType] = format == "pdf" ? "application/pdf" : "image/tiff"
        headers[.contentDisposition] = "attachment; filename=\"\(name).\(format == "pdf" ? "pdf" : "tif")\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: converted.bytes)))
    }

    /// Pages as users name them: `3`, `2-4`, `2-` (to the end).
    struct PageRange: Equatable {
        var first: Int
        var last: Int?

        init(parsing text: String) throws {
            let pieces = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            func number(_ s: String) throws -> Int {
                guard let n = Int(s), n >= 1, n <= 10_000 else { throw PageRange.invalid("pages is a page number or a range like 2-3 (pages count from 1)") }
                return n
            }
            first = try number(pieces[0])
            if pieces.count == 1 {
                last = first
            } else if pieces[1].isEmpty {
                last = nil
            } else {
                last = try number(pieces[1])
                guard last! >= first else { throw PageRange.invalid("pages \(text): the range ends before it starts") }
            }
        }

        static func invalid(_ detail: String) -> Problem {
            Problem("invalid-page-range", status: .badRequest, title: "Invalid page range", detail: detail)
        }
    }

    /// Picks the pages and writes them as TIFF (Group 4) or PDF (tiff2pdf, sandboxed).
    static func convert(_ tiff: [UInt8], range: PageRange?, pdf: Bool) throws -> (bytes: [UInt8], range: ClosedRange<Int>?) {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pw-pages-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let input = work.appendingPathComponent("fax.tif")
        try Data(tiff).write(to: input)
        var selected = input
        var chosen: ClosedRange<Int>?
        if let range {
            let pages = try FaxTIFF.readPages(input)
            let last = range.last ?? pages.count
            guard range.first <= pages.count, last <= pages.count else {
                throw PageRange.invalid("the fax has \(pages.count) page(s); pages \(range.first)-\(last) are not all there")
            }
            chosen = range.first...last
            selected = work.appendingPathComponent("selected.tif")
            try FaxTIFF.write(Array(pages[(range.first - 1)..<last]), to: selected)
        }
        if pdf {
            let output = work.appendingPathComponent("fax.pdf")
            try ReceivedFaxConverter().pdf(from: selected, to: output)
            return (Array(try Data(contentsOf: output)), chosen)
        }
        return (Array(try Data(contentsOf: selected)), chosen)
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
