import FaxEngine
import Foundation
import Hummingbird
import NIOPosix
import PagewireCore

extension FaxesController {
    /// `GET /v1/faxes/{id}/report`: the transmission confirmation report as a PDF — remote number
    /// and identifier (CSID), pages sent, times, result and every attempt — with a thumbnail of
    /// the first page for users of the fax's company (`thumbnail=false` leaves it out; others
    /// never get it, since it is content). Available in every state; times are in the fax owner's time zone.
    @Sendable func report(_ request: Request, context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try Self.id(context)
        let wantsThumbnail: Bool
        switch request.uri.queryParameters["thumbnail"].map(String.init) {
        case nil, "true": wantsThumbnail = true
        case "false": wantsThumbnail = false
        default: throw Problem("invalid-parameter", status: .badRequest, title: "Invalid parameter", detail: "thumbnail is true or false")
        }
        guard let detail = try await faxes.detail(id, scope: principal.scope) else { throw Problem.notFound("no such fax") }
        let company = try await AccountRepository(database: faxes.database)
            .get(detail.fax.companyID, scope: AccountScope(rootID: detail.fax.companyID, path: "/"))
        var firstPage: [UInt8]?
        if wantsThumbnail, principal.companyID == detail.fax.companyID,
           let rendered = detail.documents.first(where: { $0.role == "rendered" && $0.state == "stored" }) {
            // A purged or locked document only loses the thumbnail, never the report.
            firstPage = try? await documents.read(rendered.documentID, companyID: detail.fax.companyID,
                                                  reader: .system(purpose: "api report thumbnail for user \(principal.userID)"))
        }
        let zone = try await SettingsRepository(database: faxes.database).timeZone(ofFax: detail.fax)
        let report = TransmissionReport(detail, companyName: company?.name, timeZone: zone)
        let tiff = firstPage
        let pdf = try await NIOThreadPool.singleton.runIfActive { () -> [UInt8] in
            var report = report
            if let tiff { report.firstPage = TransmissionReport.firstPage(ofTIFF: tiff) }
            return Array(report.pdf())
        }
        var headers: HTTPFields = [:]
        headers[.contentType] = "application/pdf"
        headers[.contentDisposition] = "attachment; filename=\"fax-\(id)-report.pdf\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: pdf)))
    }
}
