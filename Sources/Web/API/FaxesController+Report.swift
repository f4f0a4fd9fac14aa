import FaxEngine
import Foundation
import Hummingbird
import NIOPosix
import PagewireCore

extension FaxesController {
    /// `GET /v1/faxes/{id}/report`: the transmission confirmation report as a PDF — remote number
    /// and identifier (CSID), pages sent, times, result and every attempt — with a thumbnail of
    /// the first page for users of the fax's company (`thumbnail=false` leaves it out; others
    /// never get it, since it is content). Available in every state; times are UTC.
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
        let report = Self.transmissionReport(detail, companyName: company?.name)
        let tiff = firstPage
        let pdf = try await NIOThreadPool.singleton.runIfActive { () -> [UInt8] in
            var report = report
            if let tiff { report.firstPage = Self.firstPage(of: tiff) }
            return Array(report.pdf())
        }
        var headers: HTTPFields = [:]
        headers[.contentType] = "application/pdf"
        headers[.contentDisposition] = "attachment; filename=\"fax-\(id)-report.pdf\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: pdf)))
    }

    /// The report's words for a fax (no thumbnail).
    static func transmissionReport(_ detail: FaxDetail, companyName: String?) -> TransmissionReport {
        let fax = detail.fax
        let remote = (try? E164Number(parsing: fax.remoteNumber))?.formatted ?? fax.remoteNumber
        let csid = detail.attempts.last(where: { ($0.remoteCSID ?? "").isEmpty == false })?.remoteCSID
        let outbound = fax.direction == "outbound"
        var facts: [(label: String, value: String)] = [
            ("Fax ID", String(fax.id)),
            ("Direction", outbound ? "Sent" : "Received"),
            (outbound ? "To" : "From", remote),
            ("Remote identifier", csid ?? "-"),
        ]
        if let caller = fax.callerID, !caller.isEmpty { facts.append((outbound ? "Caller ID" : "Called number", caller)) }
        facts += [
            ("Pages", fax.pages.map { "\(fax.pagesSent) of \($0) \(outbound ? "sent" : "received")" } ?? "\(fax.pagesSent)"),
            ("Quality", fax.quality.rawValue),
            ("Status", fax.state.rawValue),
            ("Result", fax.resultCode.map { "\($0.rawValue) (\($0.title)): \($0.explanation)" } ?? "-"),
            ("Attempts", "\(fax.attempts) of at most \(fax.maxAttempts)"),
            ("Submitted", Self.reportTime(fax.createdAt)),
        ]
        if let delivered = detail.attempts.last(where: { $0.resultCode == .ok }), let ended = delivered.endedAt {
            facts.append(("Transmitted", "\(Self.reportTime(delivered.startedAt)), \(Int(ended.timeIntervalSince(delivered.startedAt).rounded())) s"))
        }
        if let completed = fax.completedAt { facts.append(("Completed", Self.reportTime(completed))) }
        if let next = fax.nextAttemptAt, !fax.state.isFinal { facts.append(("Next attempt", Self.reportTime(next))) }
        let attempts = detail.attempts.map { a -> String in
            var parts = ["#\(a.n)", Self.reportTime(a.startedAt, zone: false)]
            if let ended = a.endedAt { parts.append("\(Int(ended.timeIntervalSince(a.startedAt).rounded())) s") }
            parts.append(a.resultCode?.rawValue ?? "in progress")
            parts.append("\(a.pagesSent) p")
            if let rate = a.bitRate { parts.append("\(rate) bit/s") }
            if let ecm = a.ecm { parts.append(ecm ? "ECM" : "no ECM") }
            if let sip = a.sipStatus { parts.append("SIP \(sip)") }
            if let csid = a.remoteCSID, !csid.isEmpty { parts.append("\"\(csid)\"") }
            return parts.joined(separator: "  ")
        }
        return TransmissionReport(title: "Transmission confirmation", subtitle: companyName, facts: facts, attempts: attempts)
    }

    /// `2026-12-01 08:22:45 UTC`.
    static func reportTime(_ date: Date, zone: Bool = true) -> String {
        var text = date.formatted(Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .space, timeSeparator: .colon, timeZone: .gmt))
        if text.hasSuffix("Z") { text.removeLast() }
        return zone ? text + " UTC" : text
    }

    /// The first page of a rendered fax TIFF, or nil when it cannot be read.
    static func firstPage(of tiff: [UInt8]) -> FaxEngine.FaxPage? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-report-" + UUID().uuidString + ".tif")
        defer { try? FileManager.default.removeItem(at: file) }
        guard (try? Data(tiff).write(to: file)) != nil else { return nil }
        return (try? FaxTIFF.readPages(file))?.first
    }
}
