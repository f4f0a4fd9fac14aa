/// The documents library page: the list, the upload form and what the last action did.
struct DocumentsModel: Sendable {
    struct Row: Sendable {
        let id: Int64
        let title: String
        let fileName: String
        let pages: Int
        let size: String
        let uploaded: String
        let quality: String
    }
    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    let rows: [Row]
    let hasRows: Bool
    let notice: String?
    let error: String?
    /// The upload form's values after a refusal.
    let title: String
    let qualities: [Option]
    let maxMiB: Int
    let accept: String
}

/// One stored document: its facts, the rename form and the delete button.
struct DocumentModel: Sendable {
    let id: Int64
    let title: String
    let fileName: String
    let pages: Int
    let size: String
    let uploaded: String
    let quality: String
    let notice: String?
    let error: String?
}
