import Mustache

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
        /// Outbox: may be cancelled; inbox: may be resubmitted (a received fax).
        let cancellable: Bool
        /// Outbox rows have a selection cell (for bulk cancel).
        let selectable: Bool
        /// Whether the status can still change (the live status script polls while any row can).
        let final: Bool
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
    /// Some row's status can still change: the page loads the live status script.
    var live: Bool { rows.contains { !$0.final } }
}

// Lists render many rows: named lookups instead of Mirror reflection (which dominated the
// outbox's CPU time under load).
extension FaxListModel.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "number": number
        case "state": state
        case "result": result
        case "pages": pages
        case "attempts": attempts
        case "when": when
        case "cancellable": cancellable
        case "selectable": selectable
        case "final": final
        default: nil
        }
    }
}

extension FaxListModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "heading": heading
        case "path": path
        case "isOutbox": isOutbox
        case "from": from
        case "to": to
        case "number": number
        case "statuses": statuses
        case "rows": rows
        case "hasRows": hasRows
        case "nextURL": nextURL as Any?
        case "newestURL": newestURL as Any?
        case "notice": notice as Any?
        case "live": live
        default: nil
        }
    }
}
