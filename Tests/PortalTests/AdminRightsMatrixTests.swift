import Foundation
import PagewireCore
import Testing
@testable import Web

/// Every administration route of the portal and of `/v1` (the whole `AdminRoutes` table) ×
/// every admin right on and off × a target in the caller's own subtree, in a sibling department
/// and in another tenant: the right and only the right opens a route in the own subtree (403
/// without it, 403 for read-only admins on changes); outside the subtree everything is 404.
@Suite("Admin rights and isolation matrix")
struct AdminRightsMatrixTests {
    /// Where a request's target sits relative to the caller (an admin of department A1).
    enum Placement: String { case own, sibling, other }

    struct Caller {
        let browser: TestBrowser
        let csrf: String
        let token: String
    }

    @Test func everyAdminRouteChecksItsRightAndTheCallersSubtree() async throws {
        try await PortalHarness.with { h in
            // setup: company A with departments A1 (the callers' node) and A2 (sibling); company B is the other tenant
            let accounts = AccountRepository(database: h.database)
            let numbers = NumberRepository(database: h.database)
            let scope = h.platform.scope
            let a1 = try await accounts.create(kind: .department, name: "A1", parentID: h.companyA.id, scope: scope)
            let a2 = try await accounts.create(kind: .department, name: "A2", parentID: h.companyA.id, scope: scope)
            var serial = 0
            func freshUser(_ account: Account) async throws -> User {
                serial += 1
                return try await h.users.create(accountID: account.id, email: "u\(serial)@matrix.example", password: "Matrix-pw-\(serial)", scope: scope)
            }
            func assignedNumber(to user: User, company: Account) async throws -> FaxNumber {
                serial += 1
                let pool = company.parentID!
                let added = try await numbers.addToPool([String(format: "+1206555%04d", serial)], poolAccountID: pool, scope: scope)
                _ = try await numbers.take([added[0].id], forCompany: company.id, scope: scope)
                try await numbers.assign(added[0].id, toUser: user.id, scope: scope)
                return try #require(try await numbers.get(added[0].id, scope: scope))
            }
            let ownUser = try await freshUser(a1), siblingUser = try await freshUser(a2)
            let ownNumber = try await assignedNumber(to: ownUser, company: h.companyA)
            let siblingNumber = try await assignedNumber(to: siblingUser, company: h.companyA)
            let otherNumber = try await assignedNumber(to: h.userB, company: h.companyB)
            let targets: [Placement: (account: Int64, user: Int64, number: Int64)] = [
                .own: (a1.id, ownUser.id, ownNumber.id),
                .sibling: (a2.id, siblingUser.id, siblingNumber.id),
                .other: (h.companyB.id, h.userB.id, otherNumber.id),
            ]
            // The node callers are admins of, per kind of route: departments (most routes), companies
            // (requesting numbers), resellers (pools, trunks); each with a sibling and another tenant.
            struct Level {
                let grant: Account
                let sibling: Account
                let other: Account
                let freshAccount: @Sendable () async throws -> Account
            }
            let companyC = try await accounts.create(kind: .company, name: "Clinic C", parentID: h.reseller.id, scope: scope)
            let reseller2 = try await accounts.create(kind: .reseller, name: "Reseller 2", parentID: h.platform.id, scope: scope)
            let reseller3 = try await accounts.create(kind: .reseller, name: "Reseller 3", parentID: h.platform.id, scope: scope)
            let companyA = h.companyA, reseller = h.reseller
            let departmentLevel = Level(grant: a1, sibling: a2, other: h.companyB, freshAccount: {
                try await accounts.create(kind: .department, name: "fresh " + UUID().uuidString.prefix(8), parentID: a1.id, scope: scope)
            })
            let companyLevel = Level(grant: companyA, sibling: companyC, other: h.companyB, freshAccount: { companyA })
            let resellerLevel = Level(grant: reseller, sibling: reseller2, other: reseller3, freshAccount: { reseller })
            func level(_ operation: AdminOperation) -> Level {
                if operation.targetKinds.contains(.department) { return departmentLevel }
                if operation.targetKinds.contains(.company) { return companyLevel }
                return resellerLevel
            }
            // per level: one admin per right alone, one per "every right but this one", one read-only per right
            let sessions = SessionRepository(database: h.database)
            let tokens = APITokenRepository(database: h.database)
            func caller(_ rights: Set<AdminRight>, at node: Account) async throws -> Caller {
                let user = try await freshUser(node)
                try await h.users.grant(userID: user.id, accountID: node.id, rights: rights, scope: scope)
                let (cookie, _) = try await sessions.create(userID: user.id, idleTimeoutSeconds: 3600, remoteAddress: nil, userAgent: nil)
                let browser = h.browser()
                browser.cookies["pw_session"] = cookie
                let page = try await browser.get("/profile/password")
                let csrf = try #require(TestBrowser.csrf(in: page.text))
                let token = try await tokens.create(userID: user.id, name: "matrix", scope: scope).secret
                return Caller(browser: browser, csrf: csrf, token: token)
            }
            struct Callers {
                var only: [AdminRight: Caller] = [:], allBut: [AdminRight: Caller] = [:], readOnly: [AdminRight: Caller] = [:]
            }
            var callersByNode: [Int64: Callers] = [:]
            func callers(_ level: Level) async throws -> Callers {
                if let known = callersByNode[level.grant.id] { return known }
                var c = Callers()
                for right in AdminRight.allCases {
                    c.only[right] = try await caller([right], at: level.grant)
                    c.allBut[right] = try await caller(Set(AdminRight.allCases).subtracting([right, .readOnly]), at: level.grant)
                    c.readOnly[right] = try await caller([right, .readOnly], at: level.grant)
                }
                callersByNode[level.grant.id] = c
                return c
            }
            // trunks of the reseller level: own (the reseller's), sibling (reseller 2's), other (reseller 3's)
            let trunkRepository = TrunkRepository(database: h.database)
            func trunk(_ owner: Account) async throws -> Int64 {
                serial += 1
                return try await trunkRepository.create(Trunk(name: "trunk \(serial)", host: "192.0.2.\(serial % 250 + 1)"), owner: owner.id, scope: scope).id
            }
            let trunks: [Placement: Int64] = [.own: try await trunk(h.reseller), .sibling: try await trunk(reseller2), .other: try await trunk(reseller3)]
            func path(_ route: AdminRoute, account: Int64, user: Int64, number: Int64, trunk: Int64, coverPage: Int64 = 0) -> String {
                let p = route.path.replacingOccurrences(of: ":account", with: "\(account)")
                    .replacingOccurrences(of: ":coverpage", with: "\(coverPage)")
                    .replacingOccurrences(of: ":trunk", with: "\(trunk)")
                    .replacingOccurrences(of: ":user", with: "\(user)").replacingOccurrences(of: ":number", with: "\(number)")
                    .replacingOccurrences(of: ":tab", with: "fax").replacingOccurrences(of: ":key", with: "locale.time_zone")
                return route.surface == .api ? "/v1/" + p : p
            }
            func call(_ route: AdminRoute, _ caller: Caller, _ path: String) async throws -> Int {
                switch route.surface {
                case .portal:
                    if route.method == .get { return try await caller.browser.get(path).status }
                    return try await caller.browser.post(path, [("csrf", caller.csrf)]).status
                case .api:
                    let body: [UInt8] = route.method == .get || route.method == .delete ? [] : Array("{}".utf8)
                    var headers = [("Authorization", "Bearer \(caller.token)")]
                    if !body.isEmpty { headers.append(("Content-Type", "application/json")) }
                    return try await h.client.send(route.method.rawValue, path, headers: headers, body: body).status
                }
            }
            #expect(AdminRoutes.all.count >= 25)
            for route in AdminRoutes.all {
                let right = route.operation.right
                let level = level(route.operation)
                let c = try await callers(level)
                let own = (account: level.grant.id, user: targets[.own]!.user, number: targets[.own]!.number)
                // act + check: the right alone, on a fresh target in the own subtree, passes the check
                let freshAccount = try await level.freshAccount()
                let freshUserInA1 = try await freshUser(a1)
                let freshNumber = try await assignedNumber(to: try await freshUser(a1), company: h.companyA)
                let freshTrunk = route.target == .trunk ? try await trunk(h.reseller) : 0
                // routes naming a cover page template get one of the fresh node's own
                let freshCoverPage = route.path.contains(":coverpage")
                    ? try await CoverPageRepository(database: h.database).create(
                        accountID: freshAccount.id, name: "matrix " + UUID().uuidString.prefix(8), bytes: Array("# MATRIX\n".utf8), scope: scope).id
                    : 0
                let allowed = try await call(route, c.only[right]!, path(route, account: freshAccount.id, user: freshUserInA1.id, number: freshNumber.id,
                                                                         trunk: freshTrunk, coverPage: freshCoverPage))
                #expect(allowed != 403 && allowed != 404 && allowed < 500, "\(route): allowed caller got \(allowed)")
                // without the right (alone, or every other right) in the own subtree: 403
                let ownPath = path(route, account: own.account, user: own.user, number: own.number, trunk: trunks[.own]!)
                for other in AdminRight.allCases where other != right {
                    let status = try await call(route, c.only[other]!, ownPath)
                    #expect(status == 403, "\(route) with only \(other.rawValue): \(status)")
                }
                let withoutRight = try await call(route, c.allBut[right]!, ownPath)
                #expect(withoutRight == 403, "\(route) with every right but \(right.rawValue): \(withoutRight)")
                // read-only admins never change anything
                if route.operation.changes {
                    let status = try await call(route, c.readOnly[right]!, ownPath)
                    #expect(status == 403, "\(route) read-only: \(status)")
                }
                // outside the subtree: 404 whatever the rights (routes on the caller's own node have no outside)
                guard route.target != .caller else { continue }
                for placement in [Placement.sibling, .other] {
                    let t = targets[placement]!
                    let account = placement == .sibling ? level.sibling.id : level.other.id
                    let outside = path(route, account: account, user: t.user, number: t.number, trunk: trunks[placement]!)
                    for caller in [c.only[right]!, c.allBut[.readOnly]!] {
                        let status = try await call(route, caller, outside)
                        #expect(status == 404, "\(route) on \(placement.rawValue): \(status)")
                    }
                }
            }
            // nothing outside the subtree changed
            let sibling = try #require(try await h.users.get(siblingUser.id, scope: scope))
            #expect(sibling.status == .active)
            #expect(try await h.users.get(h.userB.id, scope: scope)?.status == .active)
            #expect(try await numbers.get(siblingNumber.id, scope: scope)?.userID == siblingUser.id)
            #expect(try await numbers.get(otherNumber.id, scope: scope)?.userID == h.userB.id)
            #expect(try await accounts.get(a2.id, scope: scope)?.name == "A2")
            #expect(try await accounts.get(h.companyB.id, scope: scope)?.name == "Firm B")
        }
    }

    @Test func aPlainUserGetsNoAdministration() async throws {
        try await PortalHarness.with { h in
            // setup
            let browser = h.browser()
            try await browser.signIn("bob@firm-b.example", PortalHarness.password)
            // act
            let dashboard = try await browser.get("/dashboard")
            let admin = try await browser.get("/admin")
            // check
            #expect(dashboard.status == 200 && !dashboard.text.contains("href=\"/admin\""))
            #expect(admin.status == 403)
        }
    }
}
