import PagewireCore

extension DocumentsModel {
    static let qualityLabels: [(FaxQuality, String)] = [
        (.standard, "Standard (204×98)"), (.fine, "Fine (204×196)"), (.superfine, "Superfine (408×391)"),
    ]

    static func query(session: PortalSession, database: Database, library: DocumentLibrary, notice: String? = nil, error: String? = nil,
                      title: String = "", quality: String = "fine") async throws -> DocumentsModel {
        let format = try await DisplayFormat.forUser(session, settings: SettingsRepository(database: database))
        let rows = try await library.list(scope: session.scope).map { Row($0, format: format) }
        let qualities = qualityLabels.map { Option(value: $0.0.rawValue, label: $0.1, selected: $0.0.rawValue == quality) }
        return DocumentsModel(rows: rows, hasRows: !rows.isEmpty, notice: notice, error: error, title: title, qualities: qualities,
                              maxMiB: DocumentLibrary.maximumBytes >> 20, accept: ".pdf,.tif,.tiff,.png,.jpg,.jpeg,.gif,.txt,.doc,.docx,.odt,.rtf")
    }

    /// `12 KB`, `3.4 MB`: sizes as people read them.
    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) bytes" }
        if bytes < 1024 * 1024 { return "\((bytes + 512) / 1024) KB" }
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024)
        return "\(tenths / 10).\(tenths % 10) MB"
    }

    static func qualityLabel(_ quality: FaxQuality) -> String {
        qualityLabels.first { $0.0 == quality }?.1 ?? quality.rawValue
    }
}

extension DocumentsModel.Row {
    init(_ entry: LibraryDocument, format: DisplayFormat) {
        self.init(id: entry.id, title: entry.title, fileName: entry.fileName, pages: entry.pages, size: DocumentsModel.size(entry.byteCount),
                  uploaded: format.dateTime(entry.createdAt), quality: DocumentsModel.qualityLabel(entry.quality))
    }
}

extension DocumentModel {
    static func query(id: Int64, session: PortalSession, database: Database, library: DocumentLibrary,
                      notice: String? = nil, error: String? = nil) async throws -> DocumentModel? {
        guard let entry = try await library.get(id, scope: session.scope) else { return nil }
        let format = try await DisplayFormat.forUser(session, settings: SettingsRepository(database: database))
        let row = DocumentsModel.Row(entry, format: format)
        return DocumentModel(id: row.id, title: row.title, fileName: row.fileName, pages: row.pages, size: row.size,
                             uploaded: row.uploaded, quality: row.quality, notice: notice, error: error)
    }
}
