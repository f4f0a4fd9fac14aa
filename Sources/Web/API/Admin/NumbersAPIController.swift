import Foundation
import Hummingbird
import PagewireCore

/// `/v1/accounts/{id}/numbers` and `/v1/numbers/{id}/assign`: a node's inventory and assignment
/// of a number to a user or a shared queue.
struct NumbersAPIController: Sendable {
    let database: Database

    func addRoutes(to routes: AdminAPIRoutes) {
        routes.on(.get, "accounts/:account/numbers") { _, _, target in
            let numbers = try await NumberRepository(database: database).inventory(of: target.account.id, scope: target.scope)
            return try APIJSON.response(NumberList(numbers: numbers.map(NumberResource.init)))
        }
        routes.on(.post, "accounts/:account/numbers/request") { request, context, target in
            let body = try await request.decode(as: RequestBody.self, context: context)
            let maximum = try await SettingsRepository(database: database)
                .effective(Settings.maximumNumberInventory, forAccount: target.account.id, scope: target.scope).value
            do {
                let taken = try await NumberRepository(database: database).request(
                    quantity: body.quantity, areaCode: body.areaCode, region: body.region, forCompany: target.account.id,
                    maximumInventory: maximum, scope: target.scope)
                return try APIJSON.response(NumberList(numbers: taken.map(NumberResource.init)), status: .created)
            } catch NumberError.inventoryFull(let maximum, let holding) {
                throw Problem.conflict("inventory-full", "the company holds \(holding) number(s) and may hold at most \(maximum); release numbers or ask the provider to raise the maximum")
            } catch let error as NumberError {
                throw Problem.invalid(error.description)
            }
        }
        routes.on(.get, "accounts/:account/pool") { _, _, target in
            let summary = try await NumberRepository(database: database).poolSummary(of: target.account.id, scope: target.scope)
            return try APIJSON.response(PoolSummary(areas: summary.map { PoolArea(areaCode: $0.areaCode, free: $0.free, assigned: $0.assigned, pending: $0.pending) }))
        }
        routes.on(.post, "accounts/:account/pool") { request, context, target in
            guard request.headers[.contentType]?.lowercased().hasPrefix("text/csv") == true else {
                throw Problem("unsupported-media-type", status: .unsupportedMediaType, title: "Unsupported media type", detail: "send the pool as text/csv")
            }
            var request = request
            let body = try await request.collectBody(upTo: 5 * 1024 * 1024)
            let report = try await NumberRepository(database: database).importPool(
                csv: String(buffer: body), poolAccountID: target.account.id, scope: target.scope)
            return try APIJSON.response(ImportReport(imported: report.imported, problems: report.problems.map { ImportProblem(line: $0.line, reason: $0.reason) }))
        }
        routes.on(.post, "numbers/:number/assign") { request, context, target in
            guard let number = target.number else { throw Problem.notFound() }
            let body = try await request.decode(as: AssignBody.self, context: context)
            let repository = NumberRepository(database: database)
            do {
                switch (body.userId, body.queue) {
                case (let userID?, nil): try await repository.assign(number.id, toUser: userID, scope: target.scope)
                case (nil, let queue?): try await repository.assign(number.id, toQueue: queue, scope: target.scope)
                default: throw Problem.invalid("give either user_id or queue")
                }
            } catch NumberError.notFound {
                throw Problem.invalid("user_id names no user of this company that you administer", field: "user_id")
            } catch let error as NumberError {
                throw Problem.conflict("number-state", error.description)
            }
            guard let updated = try await repository.get(number.id, scope: target.scope) else { throw Problem.notFound() }
            return try APIJSON.response(NumberResource(updated))
        }
    }

    struct RequestBody: Decodable {
        var quantity: Int
        var areaCode: String?
        var region: String?
    }

    struct PoolArea: Encodable {
        var areaCode: String
        var free: Int
        var assigned: Int
        var pending: Int
    }

    struct PoolSummary: Encodable {
        var areas: [PoolArea]
    }

    struct ImportProblem: Encodable {
        var line: Int
        var reason: String
    }

    struct ImportReport: Encodable {
        var imported: Int
        var problems: [ImportProblem]
    }

    struct AssignBody: Decodable {
        var userId: Int64?
        var queue: String?
    }

    struct NumberList: Encodable {
        var numbers: [NumberResource]
    }

    struct NumberResource: Encodable {
        var id: Int64
        var number: String
        var country: String
        var areaCode: String?
        var status: String
        var ported: Bool
        var userId: Int64?
        var queue: String?

        init(_ n: FaxNumber) {
            id = n.id
            number = n.e164
            country = NumbersCSV.country(of: n.e164)
            areaCode = n.areaCode
            status = n.state.rawValue
            ported = n.ported
            userId = n.userID
            queue = n.queueName
        }
    }
}
