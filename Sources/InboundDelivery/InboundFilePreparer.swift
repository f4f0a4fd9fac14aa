import FaxEngine
import Foundation
import PagewireCore

/// Makes the files of a delivery from a received fax: the stamped page set (stored once per
/// round in the vault, with its PDF, so every route and the API deliver the same pages), and per
/// route the document in the owner's file type, optionally one file per page, plus metadata.
public struct InboundFilePreparer: Sendable {
    public let documents: DocumentStore
    public let converter: ReceivedFaxConverter

    /// A preparer reading and writing through `documents`.
    public init(documents: DocumentStore, converter: ReceivedFaxConverter = ReceivedFaxConverter()) {
        self.documents = documents
        self.converter = converter
    }

    /// Why the files could not be made.
    public struct PreparationError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Stamps the received TIFF (when a stamp is set) and stores the delivery TIFF and its PDF.
    public func prepareRound(fax: InboundFax, options: InboundDeliveryOptions) async throws -> (tiff: StoredDocument, pdf: StoredDocument) {
        guard let received = fax.receivedDocumentID else { throw PreparationError(description: "the fax has no received document") }
        let bytes = try await documents.read(received, companyID: fax.companyID, reader: .system(purpose: "inbound delivery of fax \(fax.id)"))
        let work = try Scratch()
        defer { work.remove() }
        let input = work.url("received.tif")
        try Data(bytes).write(to: input)
        let stamped = work.url("delivery.tif")
        if let stamp = options.stamp {
            let pages = try FaxPageStamp.stamp(try FaxTIFF.readPages(input), with: stamp, fax: fax, options: options)
            try FaxTIFF.write(pages, to: stamped)
        } else {
            try FileManager.default.copyItem(at: input, to: stamped)
        }
        let pdf = work.url("delivery.pdf")
        try converter.pdf(from: stamped, to: pdf)
        let tiffDocument = try await documents.put(
            companyID: fax.companyID, accountID: fax.accountID, kind: .faxTIFF, contentType: "image/tiff", bytes: Array(try Data(contentsOf: stamped)))
        let pdfDocument = try await documents.put(
            companyID: fax.companyID, accountID: fax.accountID, kind: .deliveryPDF, contentType: "application/pdf", bytes: Array(try Data(contentsOf: pdf)))
        return (tiffDocument, pdfDocument)
    }

    /// The files one route delivers: the document (as one file or one per page) named
    /// `baseName.ext` / `baseName-p001.ext`, and the metadata file when asked for.
    public func files(fax: InboundFax, options: InboundDeliveryOptions, baseName: String) async throws -> [InboundFile] {
        guard let tiffID = fax.deliveryTIFFID ?? fax.receivedDocumentID else { throw PreparationError(description: "the fax has no document") }
        let reader = DocumentReader.system(purpose: "inbound delivery of fax \(fax.id)")
        let work = try Scratch()
        defer { work.remove() }
        let tiff = work.url("fax.tif")
        try Data(try await documents.read(tiffID, companyID: fax.companyID, reader: reader)).write(to: tiff)
        var files: [InboundFile] = []
        let parts: [URL] = options.pageSeparation ? try converter.splitPages(from: tiff, into: work.directory) : [tiff]
        for (index, part) in parts.enumerated() {
            let name = options.pageSeparation ? String(format: "%@-p%03d", baseName, index + 1) : baseName
            switch options.fileType {
            case .pdf:
                let out = work.url("out-\(index).pdf")
                if !options.pageSeparation, let pdfID = fax.deliveryPDFID {
                    files.append(InboundFile(name: name + ".pdf", contentType: "application/pdf",
                                             bytes: try await documents.read(pdfID, companyID: fax.companyID, reader: reader)))
                    continue
                }
                try converter.pdf(from: part, to: out)
                files.append(InboundFile(name: name + ".pdf", contentType: "application/pdf", bytes: Array(try Data(contentsOf: out))))
            case .tiff:
                files.append(InboundFile(name: name + ".tif", contentType: "image/tiff", bytes: Array(try Data(contentsOf: part))))
            case .tiffHiRes:
                let out = work.url("out-\(index)-hires.tif")
                try converter.highResolutionTIFF(from: part, to: out)
                files.append(InboundFile(name: name + ".tif", contentType: "image/tiff", bytes: Array(try Data(contentsOf: out))))
            }
        }
        if let metadata = InboundMetadata(fax: fax, options: options).render(options.metadata) {
            let ext = InboundMetadata.fileExtension(options.metadata)
            files.append(InboundFile(name: baseName + "." + ext, contentType: ext == "xml" ? "application/xml" : "application/json", bytes: metadata))
        }
        return files
    }
}

/// A private temporary directory, removed when done.
struct Scratch {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pw-inbound-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
