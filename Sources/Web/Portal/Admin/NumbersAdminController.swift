import Hummingbird
import PagewireCore

/// `/admin/accounts/:account/numbers`: the inventory grouped by area code, assignment to a user
/// or a shared queue, and the CSV export (number, country, status, ported).
struct NumbersAdminController: Sendable {
    let database: Database
    let renderer: PageRenderer

    func addRoutes(to routes: AdminPortalRoutes) {
        routes.get("/admin/accounts/:account/numbers") { request, context, target in
            let notice = request.uri.queryParameters["done"] != nil ? "Saved." : nil
            return try await page(context, target, notice: notice)
        }
        routes.get("/admin/accounts/:account/numbers.csv") { _, _, target in
            let numbers = try await NumberRepository(database: database).inventory(of: target.account.id, scope: target.scope)
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"numbers.csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: NumbersCSV.render(numbers))))
        }
        routes.post("/admin/numbers/:number/assign") { _, context, target in
            guard let number = target.number else { throw PortalError.notFound }
            let back = "/admin/accounts/\(context.form["back"].flatMap { Int64($0) } ?? target.account.id)/numbers"
            let repository = NumberRepository(database: database)
            do {
                if let queue = context.form["queue"]?.trimmingCharacters(in: .whitespaces), !queue.isEmpty {
                    try await repository.assign(number.id, toQueue: queue, scope: target.scope)
                } else if let userID = context.form["user_id"].flatMap({ Int64($0) }) {
                    try await repository.assign(number.id, toUser: userID, scope: target.scope)
                } else {
                    throw NumberError.invalid("Choose a user or name a shared queue.")
                }
            } catch let error as NumberError {
                return try await page(context, target, error: error == .notFound ? "That user is not in this company." : error.description,
                                      status: .badRequest)
            }
            return PageRenderer.redirect(back + "?done=1")
        }
        routes.post("/admin/accounts/:account/numbers/request") { _, context, target in
            let f = context.form
            let repository = NumberRepository(database: database)
            do {
                guard let quantity = f["quantity"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
                    throw NumberError.invalid("Say how many numbers you need.")
                }
                let maximum = try await SettingsRepository(database: database)
                    .effective(Settings.maximumNumberInventory, forAccount: target.account.id, scope: target.scope).value
                let area = f["area_code"]?.trimmingCharacters(in: .whitespaces)
                let region = f["region"]?.trimmingCharacters(in: .whitespaces)
                let taken = try await repository.request(quantity: quantity, areaCode: area?.isEmpty == false ? area : nil,
                                                         region: region?.isEmpty == false ? region : nil, forCompany: target.account.id,
                                                         maximumInventory: maximum, scope: target.scope)
                return try await page(context, target, notice: "Added to your inventory: " + taken.map(\.e164).joined(separator: ", "), status: .created)
            } catch NumberError.inventoryFull(let maximum, let holding) {
                return try await page(context, target, error: "Over the maximum inventory: the company holds \(holding) number(s) and may hold at most \(maximum). Release numbers or ask your provider to raise the maximum.", status: .conflict)
            } catch let error as NumberError {
                return try await page(context, target, error: error.description.prefix(1).uppercased() + error.description.dropFirst(), status: .badRequest)
            }
        }
        routes.post("/admin/numbers/:number/unassign") { _, context, target in
            guard let number = target.number else { throw PortalError.notFound }
            do {
                try await NumberRepository(database: database).unassign(number.id, scope: target.scope)
            } catch let error as NumberError {
                return try await page(context, target, error: error.description, status: .conflict)
            }
            return PageRenderer.redirect("/admin/accounts/\(context.form["back"].flatMap { Int64($0) } ?? target.account.id)/numbers?done=1")
        }
    }

    private func page(_ context: PortalRequestContext, _ target: AdminTarget, notice: String? = nil, error: String? = nil,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let model = try await NumbersAdminModel.query(target, database: database, notice: notice, error: error)
        return try renderer.render("admin/numbers", title: "Numbers", page: model, context: context, current: "/admin", status: status)
    }
}
