import Foundation
import Hummingbird
import PagewireCore

/// `GET /v1/accounts/{id}/usage`: fax usage per user under a node over a period (`UsageReport`),
/// with cost centre and employee id, as JSON or `format=csv`. Needs the `reports` right.
struct UsageReportAPIController: Sendable {
    let database: Database

    func addRoutes(to routes: AdminAPIRoutes) {
        routes.on(.get, "accounts/:account/usage") { request, _, target in
            let q = request.uri.queryParameters
            let until = try FaxesController.date(q["until"].map(String.init), field: "until") ?? Date()
            let from = try FaxesController.date(q["from"].map(String.init), field: "from") ?? until.addingTimeInterval(-30 * 86_400)
            guard from < until else { throw Problem.invalid("from must be before until", field: "from") }
            guard until.timeIntervalSince(from) <= 400 * 86_400 else { throw Problem.invalid("a report covers at most 400 days", field: "from") }
            let rows = try await UsageReport(database: database).rows(under: target.account, from: from, to: until)
            switch q["format"].map(String.init) ?? "json" {
            case "csv":
                return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"usage.csv\""],
                                body: .init(byteBuffer: ByteBuffer(string: UsageReport.csv(rows))))
            case "json":
                let formatter = ISO8601DateFormatter()
                return try APIJSON.response(Report(from: formatter.string(from: from), until: formatter.string(from: until), rows: rows.map(RowResource.init)))
            default:
                throw Problem.invalid("format is json or csv", field: "format")
            }
        }
    }

    struct RowResource: Encodable {
        var userId: Int64?
        var name: String
        var email: String
        var department: String
        var costCentre: String
        var employeeId: String
        var faxesSent: Int
        var pagesSent: Int
        var faxesDelivered: Int
        var faxesFailed: Int
        var faxesReceived: Int
        var pagesReceived: Int

        init(_ r: UsageReport.Row) {
            userId = r.userID
            name = r.name
            email = r.email
            department = r.department
            costCentre = r.costCentre
            employeeId = r.employeeID
            faxesSent = r.faxesSent
            pagesSent = r.pagesSent
            faxesDelivered = r.faxesDelivered
            faxesFailed = r.faxesFailed
            faxesReceived = r.faxesReceived
            pagesReceived = r.pagesReceived
        }
    }

    struct Report: Encodable {
        var from: String
        var until: String
        var rows: [RowResource]
    }
}
