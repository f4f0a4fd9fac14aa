import FaxEngine
import Foundation
import Logging
import PagewireCore

/// `fax.render`: turns a submitted fax's originals (and cover page) into one fax TIFF with
/// FaxEngine, stores it in the vault and queues the fax; a document the renderer refuses fails
/// the fax with `invalid_attachment` and the reason. Idempotent: a repeat after a crash renders again.
struct FaxRenderHandler: WorkHandler {
    let kind = FaxScheduler.renderKind
    let lease: TimeInterval = 300
    let scheduler: FaxScheduler
    let documents: DocumentStore
    /// `Resources/Templates/coverpages`.
    let coverPageDirectory: URL
    let logger: Logger

    struct Payload: Decodable { let fax_id: Int64 }

    func handle(_ item: WorkItem) async throws {
        let faxID = try JSONDecoder().decode(Payload.self, from: Data(item.payload.utf8)).fax_id
        guard let job = try await scheduler.beginRendering(faxID: faxID) else { return }
        var log = logger
        log[metadataKey: "fax.id"] = "\(faxID)"
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pw-render-\(faxID)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: work) }
        var attachments: [(url: URL, fileName: String?)] = []
        for (n, original) in job.originals.enumerated() {
            let bytes = try await documents.read(original.documentID, companyID: job.companyID, reader: .system(purpose: "rendering fax \(faxID)"))
            let url = work.appendingPathComponent("original-\(n)\(Self.fileExtension(original.contentType))")
            try Data(bytes).write(to: url)
            attachments.append((url, url.lastPathComponent))
        }
        let output = work.appendingPathComponent("fax.tif")
        let resolution = FaxResolution(rawValue: job.quality.rawValue) ?? .fine
        let renderer = DocumentRenderer(options: RenderOptions(resolution: resolution))
        let rendered: RenderedDocument
        // The cover page's words are content: they come from the vault like the originals.
        var cover: CoverPageRequest?
        if let coverDocument = job.coverDocumentID {
            let bytes = try await documents.read(coverDocument, companyID: job.companyID, reader: .system(purpose: "rendering fax \(faxID)"))
            cover = try CoverPageRequest.decoded(from: bytes)
        }
        do {
            if let cover {
                // An uploaded template (custom-<id>) of the fax's level or above, or a built-in file.
                guard let template = try await CoverPageTemplate.load(
                    key: cover.template, accountID: job.accountID, uploaded: CoverPageRepository(database: scheduler.database), directory: coverPageDirectory)
                else {
                    try await scheduler.renderingFailed(faxID: faxID, reason: "there is no cover page template named \(cover.template)")
                    return
                }
                var fields = CoverPageFields()
                fields.senderName = cover.senderName ?? job.senderName
                fields.senderCompany = job.companyName
                fields.senderEmail = job.senderEmail
                fields.senderFax = job.callerID.flatMap { try? E164Number(parsing: $0).formatted } ?? ""
                fields.recipientName = cover.recipientName ?? ""
                fields.recipientFax = (try? E164Number(parsing: job.remoteNumber).formatted) ?? job.remoteNumber
                fields.subject = cover.subject ?? ""
                fields.message = cover.message ?? ""
                rendered = try CoverPageRenderer(renderer: renderer).renderFax(template, fields: fields, attachments: attachments, to: output)
            } else {
                rendered = try renderer.render(attachments, to: output)
            }
        } catch let error as RenderError {
            // A missing tool is this host's fault, not the sender's: let the queue retry.
            if case .toolMissing = error { throw error }
            log.info("rendering refused the documents: \(error.description)")
            try await scheduler.renderingFailed(faxID: faxID, reason: error.description)
            return
        }
        let tiff = try Array(Data(contentsOf: rendered.url))
        let stored = try await documents.put(companyID: job.companyID, accountID: job.accountID, kind: .faxTIFF, contentType: "image/tiff", bytes: tiff)
        try await scheduler.renderingFinished(faxID: faxID, renderedDocumentID: stored.id, pages: rendered.pages)
        log.info("rendered \(rendered.pages) page(s)")
    }

    /// An extension the renderer's office conversion recognises; content decides the kind anyway.
    static func fileExtension(_ contentType: String) -> String {
        switch contentType.split(separator: ";").first.map(String.init) ?? "" {
        case "application/pdf": ".pdf"
        case "image/tiff": ".tif"
        case "image/png": ".png"
        case "image/jpeg": ".jpg"
        case "image/gif": ".gif"
        case "text/plain": ".txt"
        case "application/rtf": ".rtf"
        case "application/msword": ".doc"
        case "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx"
        case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx"
        case "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx"
        case "application/vnd.oasis.opendocument.text": ".odt"
        case "application/vnd.oasis.opendocument.spreadsheet": ".ods"
        case "application/vnd.oasis.opendocument.presentation": ".odp"
        default: ""
        }
    }
}
