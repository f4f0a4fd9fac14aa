import Hummingbird
import PagewireCore

/// `/admin/accounts/:account/numbers/new`: new numbers as Concord's "Request Inventory" guides
/// them — pick a state or region, then an area code with its city, then the numbers themselves
/// from the reseller's pool; the chosen ones join the company's inventory at once, unassigned,
/// within the maximum inventory (a clear warning when a choice would go over it).
struct NumberPickerController: Sendable {
    let database: Database
    let renderer: PageRenderer

    struct Model: Sendable {
        struct Choice: Sendable {
            let href: String
            let label: String
            let detail: String
        }
        struct Offer: Sendable {
            let id: Int64
            let e164: String
        }
        let accountID: Int64
        let region: String?
        let areaCode: String?
        let regions: [Choice]
        let areaCodes: [Choice]
        let numbers: [Offer]
        let hasNumbers: Bool
        let step: Int
        let holding: Int
        let maximumInventory: Int
        let atMaximum: Bool
        let error: String?
    }

    func addRoutes(to routes: AdminPortalRoutes) {
        routes.get("/admin/accounts/:account/numbers/new") { request, context, target in
            let region = request.uri.queryParameters["region"].map(String.init)
            let areaCode = request.uri.queryParameters["area_code"].map(String.init)
            return try await page(context, target, region: region, areaCode: areaCode)
        }
        routes.post("/admin/accounts/:account/numbers/take") { _, context, target in
            let ids = context.form.all("number_id").compactMap { Int64($0) }
            guard target.account.kind == .company else { throw PortalError.badRequest("New numbers are taken for a company.") }
            guard !ids.isEmpty, ids.count <= 100 else {
                return try await page(context, target, region: context.form["region"], areaCode: context.form["area_code"],
                                      error: "Tick the numbers you want (at most 100 at once).", status: .badRequest)
            }
            do {
                let maximum = try await SettingsRepository(database: database)
                    .effective(Settings.maximumNumberInventory, forAccount: target.account.id, scope: target.scope).value
                _ = try await NumberRepository(database: database).take(ids, forCompany: target.account.id, maximumInventory: maximum, scope: target.scope)
            } catch NumberError.inventoryFull(let maximum, let holding) {
                return try await page(context, target, region: context.form["region"], areaCode: context.form["area_code"],
                                      error: "Over the maximum inventory: the company holds \(holding) number(s) and may hold at most \(maximum). Choose fewer, release numbers, or ask your provider to raise the maximum.",
                                      status: .conflict)
            } catch let error as NumberError {
                return try await page(context, target, region: context.form["region"], areaCode: context.form["area_code"],
                                      error: "Those numbers cannot be taken (\(error.description)); someone may have taken them first. Choose again.",
                                      status: .conflict)
            }
            return PageRenderer.redirect("/admin/accounts/\(target.account.id)/numbers?done=1")
        }
    }

    private func page(_ context: PortalRequestContext, _ target: AdminTarget, region: String?, areaCode: String?, error: String? = nil,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        guard target.account.kind == .company else { throw PortalError.badRequest("New numbers are taken for a company.") }
        let numbers = NumberRepository(database: database)
        let companyID = target.account.id
        let base = "/admin/accounts/\(companyID)/numbers/new"
        func query(_ value: String) -> String { value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
        var regions: [Model.Choice] = [], areaCodes: [Model.Choice] = [], offers: [Model.Offer] = []
        if let region, let areaCode {
            offers = try await numbers.available(forCompany: companyID, areaCode: areaCode, scope: target.scope, limit: 500)
                .filter { ($0.region ?? "") == region }.prefix(100).map { Model.Offer(id: $0.id, e164: $0.e164) }
        } else if let region {
            areaCodes = try await numbers.areaCodes(forCompany: companyID, region: region, scope: target.scope).map {
                Model.Choice(href: "\(base)?region=\(query(region))&area_code=\(query($0.areaCode))", label: $0.areaCode,
                             detail: "\($0.city.isEmpty ? "" : $0.city + " · ")\($0.available) available")
            }
        } else {
            regions = try await numbers.regions(forCompany: companyID, scope: target.scope).map {
                Model.Choice(href: "\(base)?region=\(query($0.region))", label: $0.region.isEmpty ? "(no region given)" : $0.region,
                             detail: "\($0.available) available")
            }
        }
        let maximum = try await SettingsRepository(database: database)
            .effective(Settings.maximumNumberInventory, forAccount: companyID, scope: target.scope).value
        let holding = try await numbers.inventory(of: companyID, scope: target.scope).count
        let model = Model(
            accountID: companyID, region: region, areaCode: areaCode, regions: regions, areaCodes: areaCodes, numbers: offers,
            hasNumbers: !offers.isEmpty, step: areaCode != nil ? 3 : (region != nil ? 2 : 1), holding: holding, maximumInventory: maximum,
            atMaximum: holding >= maximum, error: error)
        return try renderer.render("admin/numbers-new", title: "New numbers", page: model, context: context, current: "/admin", status: status)
    }
}
