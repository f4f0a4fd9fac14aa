import Foundation
import Hummingbird
import PagewireCore

/// `/admin/accounts/:account/reports`: fax usage per user under a node between two days (the
/// admin's own time zone), with cost centre and employee id, on the page or as CSV. Needs the
/// `reports` right.
struct UsageReportAdminController: Sendable {
    let database: Database
    let renderer: PageRenderer

    /// A row as the table shows it: who (or "Shared queue") and their figures.
    struct Row: Sendable {
        let label: String
        let usage: UsageReport.Row
    }

    struct Model: Sendable {
        let tabs: AdminTabs
        let accountID: Int64
        let from: String
        let to: String
        let rows: [Row]
        let hasRows: Bool
        let csvQuery: String
        let notice: String?
        let error: String?
    }

    func addRoutes(to routes: AdminPortalRoutes) {
        routes.get("/admin/accounts/:account/reports") { request, context, target in
            let format = try await display(context)
            switch period(request, format) {
            case .failure(let message):
                return try await page(context, target, format: format, from: Date().addingTimeInterval(-30 * 86_400), to: Date(), error: message.description)
            case .success(let (from, to)):
                return try await page(context, target, format: format, from: from, to: to)
            }
        }
        routes.get("/admin/accounts/:account/reports.csv") { request, context, target in
            guard case .success(let (from, to)) = period(request, try await display(context)) else {
                throw HTTPError(.badRequest, message: "Days are yyyy-MM-dd, the first before the last, at most 400 days apart.")
            }
            let rows = try await UsageReport(database: database).rows(under: target.account, from: from, to: to)
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "private, no-store",
                                                   .contentDisposition: "attachment; filename=\"usage-\(target.account.id).csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: UsageReport.csv(rows))))
        }
    }

    private func display(_ context: PortalRequestContext) async throws -> DisplayFormat {
        try await DisplayFormat.forUser(try context.requireSession(), settings: SettingsRepository(database: database))
    }

    /// The period the query names: `from` and `to` days (both included) in the admin's zone;
    /// the last 30 days when absent.
    private func period(_ request: Request, _ format: DisplayFormat) -> Result<(Date, Date), PeriodError> {
        let q = request.uri.queryParameters
        let fromText = q["from"].map(String.init) ?? "", toText = q["to"].map(String.init) ?? ""
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = format.timeZone
        let today = calendar.startOfDay(for: Date())
        guard let lastDay = toText.isEmpty ? today : format.startOfDay(iso: toText),
              let firstDay = fromText.isEmpty ? calendar.date(byAdding: .day, value: -29, to: lastDay) : format.startOfDay(iso: fromText),
              let end = calendar.date(byAdding: .day, value: 1, to: lastDay) else {
            return .failure(PeriodError("Days are written yyyy-MM-dd."))
        }
        guard firstDay < end, end.timeIntervalSince(firstDay) <= 400 * 86_400 else {
            return .failure(PeriodError("The first day comes before the last, at most 400 days apart."))
        }
        return .success((firstDay, end))
    }

    struct PeriodError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    private func page(_ context: PortalRequestContext, _ target: AdminTarget, format: DisplayFormat, from: Date, to: Date,
                      error: String? = nil) async throws -> Response {
        let rows = try await UsageReport(database: database).rows(under: target.account, from: from, to: to)
        let lastDay = to.addingTimeInterval(-1)
        let model = Model(
            tabs: AdminTabs(target, current: "Reports"), accountID: target.account.id, from: format.isoDay(from), to: format.isoDay(lastDay),
            rows: rows.map { Row(label: $0.userID == nil ? "Shared queue" : ($0.name.isEmpty ? $0.email : $0.name), usage: $0) },
            hasRows: !rows.isEmpty, csvQuery: "from=\(format.isoDay(from))&to=\(format.isoDay(lastDay))", notice: nil, error: error)
        return try renderer.render("admin/reports", title: "Usage report", page: model, context: context, current: "/admin",
                                   status: error == nil ? .ok : .badRequest)
    }
}
