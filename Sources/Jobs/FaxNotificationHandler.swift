import FaxEngine
import Foundation
import Logging
import PagewireCore

/// `notify.fax`: the e-mail notices about a fax, through the configured SMTP relay. A relay
/// that is down fails the item and the queue retries it; a notice already sent is not sent again.
struct FaxNotificationHandler: WorkHandler {
    let kind = FaxNotice.workKind
    /// Nil when no relay is configured: notices are dropped (logged once per item at debug level).
    let notifier: FaxNotifier?
    let logger: Logger

    struct Payload: Decodable {
        let fax_id: Int64
        let notice: String
    }

    func handle(_ item: WorkItem) async throws {
        let payload = try JSONDecoder().decode(Payload.self, from: Data(item.payload.utf8))
        guard let notice = FaxNotice(rawValue: payload.notice) else { return }
        guard let notifier else {
            logger.debug("no mail.smtp_url: notice \(notice.rawValue) for fax \(payload.fax_id) not sent")
            return
        }
        let outcome = try await notifier.send(notice, faxID: payload.fax_id)
        logger.debug("notice \(notice.rawValue) for fax \(payload.fax_id): \(outcome)")
    }
}

extension FaxNotificationHandler {
    /// The transmission confirmation report attached to delivery notices: the same PDF as
    /// `GET /v1/faxes/{id}/report`, with the first-page thumbnail while the rendered pages are
    /// still readable by the system (their transit copy may be gone once the fax is final).
    static func reportMaker(database: Database, vault: Vault) -> FaxNotifier.ReportMaker {
        { faxID in
            // The notifier already checked whose fax this is; read it across the tree.
            let everywhere = AccountScope(rootID: 0, path: "/")
            guard let detail = try await FaxRepository(database: database).detail(faxID, scope: everywhere) else {
                throw AccountError.notFound
            }
            let company = try await AccountRepository(database: database).get(detail.fax.companyID, scope: everywhere)
            let zone = try await SettingsRepository(database: database).timeZone(ofFax: detail.fax)
            var report = TransmissionReport(detail, companyName: company?.name, timeZone: zone)
            if let rendered = detail.documents.first(where: { $0.role == "rendered" && $0.state == "stored" }),
               let tiff = try? await vault.documents.read(rendered.documentID, companyID: detail.fax.companyID, reader: .system(purpose: "notice report thumbnail")) {
                report.firstPage = TransmissionReport.firstPage(ofTIFF: tiff)
            }
            return Array(report.pdf())
        }
    }
}
