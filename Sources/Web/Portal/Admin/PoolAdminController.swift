import Hummingbird
import PagewireCore

/// The number pool of the platform or a reseller (`/admin/accounts/:account/pool`): free,
/// assigned and pending numbers per area code, and loading numbers from CSV (bad rows reported
/// by line, like the contacts import).
struct PoolAdminController: Sendable {
    let database: Database
    let renderer: PageRenderer

    struct Model: Sendable {
        struct Row: Sendable {
            let areaCode: String
            let free: Int
            let assigned: Int
            let pending: Int
        }
        let tabs: AdminTabs
        let accountID: Int64
        let rows: [Row]
        let hasRows: Bool
        let canImport: Bool
        let hasReport: Bool
        let imported: Int
        let problems: [NumberRepository.CSVProblem]
        let hasProblems: Bool
        let error: String?
        let notice: String?
    }

    func addRoutes(to routes: AdminPortalRoutes) {
        routes.get("/admin/accounts/:account/pool") { _, context, target in
            try await page(context, target)
        }
        routes.post("/admin/accounts/:account/pool/import") { _, context, target in
            guard let file = context.form.file("file") else {
                return try await page(context, target, error: "Choose a CSV file to import.", status: .badRequest)
            }
            let report = try await NumberRepository(database: database).importPool(
                csv: String(decoding: file.bytes, as: UTF8.self), poolAccountID: target.account.id, scope: target.scope)
            return try await page(context, target, report: report)
        }
    }

    private func page(_ context: PortalRequestContext, _ target: AdminTarget, report: NumberRepository.PoolImportReport? = nil,
                      error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let summary = try await NumberRepository(database: database).poolSummary(of: target.account.id, scope: target.scope)
        let rows = summary.map { Model.Row(areaCode: $0.areaCode, free: $0.free, assigned: $0.assigned, pending: $0.pending) }
        let model = Model(
            tabs: AdminTabs(target, current: "Number pool"), accountID: target.account.id, rows: rows, hasRows: !rows.isEmpty,
            canImport: target.may(.importPool), hasReport: report != nil, imported: report?.imported ?? 0, problems: report?.problems ?? [],
            hasProblems: !(report?.problems.isEmpty ?? true), error: error, notice: nil)
        return try renderer.render("admin/pool", title: "Number pool", page: model, context: context, current: "/admin", status: status)
    }
}
