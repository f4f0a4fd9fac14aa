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

// Lists render many rows: named lookups for the compiled renderer (and swift-mustache)
// instead of Mirror reflection, which dominated the outbox's CPU time under load.
extension FaxListModel.Option: TemplateObject {
    func templateValue(named name: String) -> TemplateValue? {
        switch name {
        case "value": .text(value)
        case "label": .text(label)
        case "selected": .flag(selected)
        default: nil
        }
    }
}

extension FaxListModel.Row: TemplateObject {
    func templateValue(named name: String) -> TemplateValue? {
        switch name {
        case "id": .number(Int(id))
        case "number": .text(number)
        case "state": .text(state)
        case "result": .text(result)
        case "pages": .text(pages)
        case "attempts": .number(attempts)
        case "when": .text(when)
        case "cancellable": .flag(cancellable)
        case "selectable": .flag(selectable)
        case "final": .flag(final)
        default: nil
        }
    }
}

extension FaxListModel: TemplateObject {
    func templateValue(named name: String) -> TemplateValue? {
        switch name {
        case "heading": .text(heading)
        case "path": .text(path)
        case "isOutbox": .flag(isOutbox)
        case "from": .text(from)
        case "to": .text(to)
        case "number": .text(number)
        case "statuses": .list(statuses)
        case "rows": .list(rows)
        case "hasRows": .flag(hasRows)
        case "nextURL": .optional(nextURL)
        case "newestURL": .optional(newestURL)
        case "notice": .optional(notice)
        case "live": .flag(live)
        default: nil
        }
    }
}
