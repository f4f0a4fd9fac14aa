import Hummingbird
import PagewireCore

/// `/admin` and `/admin/accounts/:account`: the hierarchy with each node's actions — add, rename
/// and delete departments (refused while one holds users or departments, as Concord does).
struct AccountTreeController: Sendable {
    let database: Database
    let renderer: PageRenderer

    func addRoutes(to routes: AdminPortalRoutes) {
        routes.get("/admin/accounts/:account") { request, context, target in
            let q = request.uri.queryParameters
            let notice: String? = switch q["done"].map(String.init) {
            case "renamed": "Renamed."
            case "added": "Department added."
            case "deleted": "Department deleted."
            default: nil
            }
            return try await page(context, target, notice: notice, error: nil)
        }
        routes.post("/admin/accounts/:account/departments") { _, context, target in
            do {
                let department = try await AccountRepository(database: database).create(
                    kind: .department, name: context.form["name"] ?? "", parentID: target.account.id, scope: target.scope)
                return PageRenderer.redirect("/admin/accounts/\(department.id)?done=added")
            } catch let error as AccountError {
                return try await page(context, target, notice: nil, error: error.message, status: .badRequest)
            }
        }
        routes.post("/admin/accounts/:account/rename") { _, context, target in
            do {
                try await AccountRepository(database: database).rename(target.account.id, to: context.form["name"] ?? "", scope: target.scope)
                return PageRenderer.redirect("/admin/accounts/\(target.account.id)?done=renamed")
            } catch let error as AccountError {
                return try await page(context, target, notice: nil, error: error.message, status: .badRequest)
            }
        }
        routes.post("/admin/accounts/:account/delete") { _, context, target in
            do {
                guard target.account.id != target.grant.account.id else { throw AccountError.notADepartment }
                try await AccountRepository(database: database).deleteDepartment(target.account.id, scope: target.scope)
                return PageRenderer.redirect("/admin/accounts/\(target.account.parentID ?? target.grant.account.id)?done=deleted")
            } catch let error as AccountError {
                return try await page(context, target, notice: nil, error: error.message, status: .conflict)
            }
        }
    }

    private func page(_ context: PortalRequestContext, _ target: AdminTarget, notice: String?, error: String?,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let model = try await AccountTreeModel.query(target, database: database, notice: notice, error: error)
        return try renderer.render("admin/tree", title: "Administration", page: model, context: context, current: "/admin", status: status)
    }
}
