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
