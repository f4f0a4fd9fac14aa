/// The outbox or the inbox: filters, one page of faxes, and the link to the next (older) page.
struct FaxListModel: Sendable {
    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct Row: Sendable {
        let id: Int64
        let number: String
        let state: String
        let result: String
        let pages: String
        let attempts: Int
        let when: String
        let cancellable: Bool
    }

    let heading: String
    let path: String
    let isOutbox: Bool
    let from: String
    let to: String
    let number: String
    let statuses: [Option]
    let rows: [Row]
    let hasRows: Bool
    let nextURL: String?
    let newestURL: String?
    let notice: String?
}
