import Foundation
import PagewireCore

extension FaxListModel {
    /// The query string of a list page, as typed by the user (anything unreadable is ignored).
    struct Parameters: Sendable {
        var from = ""
        var to = ""
        var status = ""
        var number = ""
        var before: Int64?

        init(query: [String: String]) {
            from = query["from"] ?? ""
            to = query["to"] ?? ""
            status = query["status"] ?? ""
            number = String((query["number"] ?? "").filter { $0.isNumber || $0 == "+" }.prefix(20))
            before = query["before"].flatMap { Int64($0) }
        }

        /// The filter part as a query string (without the cursor).
        var filterQuery: String {
            [("from", from), ("to", to), ("status", status), ("number", number)]
                .filter { !$0.1.isEmpty }
                .map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                .joined(separator: "&")
        }
    }

    /// Status groups a user filters by, mapped to fax states.
    static func statusGroups(outbound: Bool) -> [(value: String, label: String, states: [FaxState])] {
        outbound
            ? [("in_progress", "In progress", [.submitted, .rendering, .queued, .sending, .retryWait]),
               ("delivered", "Delivered", [.delivered]), ("partially_delivered", "Partially delivered", [.partiallyDelivered]),
               ("failed", "Failed", [.failed]), ("cancelled", "Cancelled", [.cancelled])]
            : [("receiving", "Receiving", [.receiving]), ("received", "Received", [.received, .delivering]),
               ("delivered", "Delivered", [.delivered]), ("delivery_failed", "Delivery failed", [.deliveryFailed])]
    }

    /// The page for `session`: its locale settings, the subtree's accounts and one page of
    /// faxes, read on one pooled connection (one hop to the database threads, not three).
    static func query(outbound: Bool, parameters p: Parameters, session: PortalSession, database: Database, notice: String? = nil) async throws -> FaxListModel {
        let groups = statusGroups(outbound: outbound)
        let viewer = FaxHistory.Viewer(scope: session.scope, onlyUser: session.ownFaxesOnly ? session.user.id : nil)
        let userID = session.user.id, accountPath = session.account.path
        let states = groups.first { $0.value == p.status }?.states ?? []
        let (format, page) = try await database.withConnection { c in
            let format = DisplayFormat.forSettings(try SettingsRepository.effectiveJSON(
                names: DisplayFormat.settingNames, forUser: userID, accountPath: accountPath, on: c))
            var filter = FaxHistory.Filter(direction: outbound ? "outbound" : "inbound")
            filter.from = format.startOfDay(iso: p.from)
            filter.until = format.startOfDay(iso: p.to).map { $0.addingTimeInterval(86_400) }
            filter.states = states
            filter.number = p.number.isEmpty ? nil : p.number
            return (format, try FaxHistory.list(filter, viewer: viewer, before: p.before, limit: 50, on: c))
        }
        let path = outbound ? "/outbox" : "/inbox"
        let filterQuery = p.filterQuery
        let rows = page.faxes.map { fax in
            Row(id: fax.id, number: fax.remoteNumber, state: fax.stateText, result: fax.resultText, pages: fax.pagesText,
                attempts: fax.attempts, when: format.dateTime(fax.createdAt), cancellable: outbound ? !fax.state.isFinal : [.received, .delivered, .deliveryFailed].contains(fax.state), selectable: true,
                final: fax.state.isFinal)
        }
        return FaxListModel(
            heading: outbound ? "Outbox" : "Inbox", path: path, isOutbox: outbound, from: p.from, to: p.to, number: p.number,
            statuses: [Option(value: "", label: "Any status", selected: p.status.isEmpty)]
                + groups.map { Option(value: $0.value, label: $0.label, selected: $0.value == p.status) },
            rows: rows, hasRows: !rows.isEmpty,
            nextURL: page.nextCursor.map { path + "?" + (filterQuery.isEmpty ? "" : filterQuery + "&") + "before=\($0)" },
            newestURL: p.before == nil ? nil : path + (filterQuery.isEmpty ? "" : "?" + filterQuery),
            notice: notice)
    }
}
