import Foundation
import Testing
@testable import PagewireCore

/// The repository additions of the administration (issue #8): user profiles and deletion,
/// pool imports and number requests, reseller trunks.
@Suite("Administration repositories")
struct AdministrationRepositoryTests {
    @Test func deletingAUserReturnsTheirNumbersAndKeepsTheirFaxRecords() async throws {
        try await TestDatabase.with { test in
            // setup
            let accounts = AccountRepository(database: test.database)
            let users = UserRepository(database: test.database, passwordParameters: .testing)
            let numbers = NumberRepository(database: test.database)
            let platform = try await accounts.create(platformName: "P")
            let company = try await accounts.create(kind: .company, name: "C", parentID: platform.id, scope: platform.scope)
            let department = try await accounts.create(kind: .department, name: "D", parentID: company.id, scope: platform.scope)
            let user = try await users.create(accountID: department.id, email: "u@c.example", username: .generated, displayName: "U", password: "U-pw-1234567",
                                              profile: UserProfile(phone: "1", costCentre: "CC", employeeID: "E"), scope: platform.scope)
            let n = try await numbers.addToPool(["+12065550140"], poolAccountID: platform.id, scope: platform.scope)[0]
            _ = try await numbers.take([n.id], forCompany: company.id, scope: platform.scope)
            try await numbers.assign(n.id, toUser: user.id, scope: platform.scope)
            try await test.database.execute(
                """
                INSERT INTO faxes (direction, account_id, company_id, user_id, state, remote_number, pages, pages_sent, attempts,
                    max_attempts, retry_interval_seconds, created_at, updated_at)
                VALUES ('outbound', ?, ?, ?, 'delivered', '+12065550100', 1, 1, 1, 4, 300, ?, ?)
                """, department.id, company.id, user.id, Date(), Date())
            // check: a generated username, the profile stored
            #expect(user.username.hasPrefix("u") && user.username.count == 11)
            #expect(try await users.profile(of: user.id, scope: platform.scope).costCentre == "CC")
            // act: a scope that does not hold the user cannot delete them
            let other = try await accounts.create(kind: .company, name: "O", parentID: platform.id, scope: platform.scope)
            await #expect(throws: AccountError.notFound) { try await users.delete(userID: user.id, scope: other.scope) }
            try await users.delete(userID: user.id, scope: company.scope)
            // check
            let back = try #require(try await numbers.get(n.id, scope: platform.scope))
            #expect(back.state == .unassigned && back.userID == nil && back.accountID == company.id)
            let faxes: Int = try await test.database.query("SELECT COUNT(*) AS n FROM faxes WHERE user_id = ?", user.id)[0].get("n")
            #expect(faxes == 1)
        }
    }

    @Test func poolImportsReportBadLinesAndRequestsRespectTheMaximum() async throws {
        try await TestDatabase.with { test in
            // setup
            let accounts = AccountRepository(database: test.database)
            let numbers = NumberRepository(database: test.database)
            let platform = try await accounts.create(platformName: "P")
            let reseller = try await accounts.create(kind: .reseller, name: "R", parentID: platform.id, scope: platform.scope)
            let company = try await accounts.create(kind: .company, name: "C", parentID: reseller.id, scope: platform.scope)
            // act
            let report = try await numbers.importPool(csv: "state,number\nWA,+12065550150\nWA,12\n,\nOR,+15035550151\n", poolAccountID: reseller.id, scope: reseller.scope)
            // check: the empty line is skipped, the bad one reported with its line
            #expect(report.imported == 2 && report.problems.map(\.line) == [3])
            #expect(try await numbers.importPool(csv: "city\nSeattle\n", poolAccountID: reseller.id, scope: reseller.scope).problems.first?.line == 1)
            await #expect(throws: NumberError.notFound) {
                try await numbers.importPool(csv: "number\n+12065550152\n", poolAccountID: reseller.id, scope: company.scope)
            }
            await #expect(throws: NumberError.inventoryFull(maximum: 1, holding: 0)) {
                try await numbers.request(quantity: 2, areaCode: nil, region: nil, forCompany: company.id, maximumInventory: 1, scope: company.scope)
            }
            let oregon = try await numbers.request(quantity: 1, areaCode: nil, region: "or", forCompany: company.id, maximumInventory: 5, scope: company.scope)
            #expect(oregon.map(\.e164) == ["+15035550151"])
            let summary = try await numbers.poolSummary(of: reseller.id, scope: reseller.scope)
            #expect(summary.map(\.areaCode) == ["206", "503"] && summary[1].assigned == 1 && summary[0].free == 1)
        }
    }

    @Test func resellerTrunksAreTheirsAloneAndOrderedForTheirCompanies() async throws {
        try await TestDatabase.with { test in
            // setup
            let accounts = AccountRepository(database: test.database)
            let keyFile = NSTemporaryDirectory() + "pw-trunks-" + String(UInt64.random(in: 0...UInt64.max), radix: 36) + ".key"
            defer { try? FileManager.default.removeItem(atPath: keyFile) }
            let trunks = TrunkRepository(database: test.database, secrets: try TransitKeyring.loadOrCreate(path: keyFile))
            let platform = try await accounts.create(platformName: "P")
            let r1 = try await accounts.create(kind: .reseller, name: "R1", parentID: platform.id, scope: platform.scope)
            let r2 = try await accounts.create(kind: .reseller, name: "R2", parentID: platform.id, scope: platform.scope)
            let company = try await accounts.create(kind: .company, name: "C", parentID: r1.id, scope: platform.scope)
            // act
            let shared = try await trunks.create(Trunk(name: "Shared", host: "198.51.100.1"), owner: platform.id, scope: platform.scope)
            let own = try await trunks.create(Trunk(name: "Own", host: "198.51.100.2", username: "a", password: "b"), owner: r1.id, scope: r1.scope)
            let foreign = try await trunks.create(Trunk(name: "Foreign", host: "198.51.100.3"), owner: r2.id, scope: r2.scope)
            // check: validation, ownership, order
            await #expect(throws: TrunkAdminError.invalid("give both a SIP username and a password, or neither for IP authentication")) {
                try await trunks.create(Trunk(name: "Half", host: "198.51.100.4", username: "a"), owner: r1.id, scope: r1.scope)
            }
            await #expect(throws: TrunkAdminError.nameTaken("Own")) {
                try await trunks.create(Trunk(name: "Own", host: "198.51.100.5"), owner: r2.id, scope: r2.scope)
            }
            await #expect(throws: TrunkAdminError.notFound) {
                try await trunks.create(Trunk(name: "X", host: "198.51.100.6"), owner: company.id, scope: platform.scope)
            }
            #expect(try await trunks.owned(by: r1.id, scope: r1.scope).map(\.id) == [own.id])
            #expect(try await trunks.owned(by: platform.id, scope: platform.scope).map(\.id) == [shared.id])
            #expect(try await trunks.get(shared.id, scope: r1.scope) == nil)
            #expect(try await trunks.get(foreign.id, scope: r1.scope) == nil)
            await #expect(throws: TrunkAdminError.invalid("only the account's own trunks and its provider's can be used")) {
                try await trunks.setOrder([foreign.id], forAccount: r1.id, scope: r1.scope)
            }
            try await trunks.setOrder([shared.id, own.id], forAccount: r1.id, scope: r1.scope)
            #expect(try await trunks.trunks(forAccount: company.id).map(\.id) == [shared.id, own.id])
            await #expect(throws: TrunkAdminError.notFound) { try await trunks.delete(foreign.id, scope: r1.scope) }
            var edited = own
            edited.host = "198.51.100.20"
            edited.password = ""
            try await trunks.update(edited, scope: r1.scope)
            #expect(try await trunks.get(own.id, scope: r1.scope)?.password == "b")
        }
    }
}
