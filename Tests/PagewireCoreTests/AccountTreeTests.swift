import Foundation
import PagewireCore
import Testing

/// A small tree: platform → reseller → company → departments A (with A1 below) and B.
struct SampleTree {
    let platform, reseller, company, deptA, deptA1, deptB, otherCompany: Account
    let accounts: AccountRepository
    let users: UserRepository

    static func make(_ database: Database) async throws -> SampleTree {
        let accounts = AccountRepository(database: database)
        let users = UserRepository(database: database, passwordParameters: .testing)
        let platform = try await accounts.create(platformName: "Pagewire")
        let root = platform.scope
        let reseller = try await accounts.create(kind: .reseller, name: "FaxResell", parentID: platform.id, scope: root)
        let company = try await accounts.create(kind: .company, name: "Clinic", parentID: reseller.id, scope: root)
        let deptA = try await accounts.create(kind: .department, name: "Cardiology", parentID: company.id, scope: root)
        let deptA1 = try await accounts.create(kind: .department, name: "Cardiology Night", parentID: deptA.id, scope: root)
        let deptB = try await accounts.create(kind: .department, name: "Billing", parentID: company.id, scope: root)
        let other = try await accounts.create(kind: .company, name: "Other Co", parentID: platform.id, scope: root)
        return SampleTree(platform: platform, reseller: reseller, company: company, deptA: deptA, deptA1: deptA1, deptB: deptB, otherCompany: other, accounts: accounts, users: users)
    }
}

@Suite("Account tree")
struct AccountTreeTests {
    @Test func pathsAndCompaniesFollowTheTree() async throws {
        try await TestDatabase.with { test in
            let t = try await SampleTree.make(test.database)
            #expect(t.deptA1.path == "/\(t.platform.id)/\(t.reseller.id)/\(t.company.id)/\(t.deptA.id)/\(t.deptA1.id)/")
            #expect(t.deptA1.companyID == t.company.id && t.company.companyID == t.company.id && t.reseller.companyID == nil)
            #expect(t.deptA1.ancestry == [t.platform.id, t.reseller.id, t.company.id, t.deptA.id, t.deptA1.id])
            let subtree = try await t.accounts.subtree(t.company.scope).map(\.id)
            #expect(Set(subtree) == [t.company.id, t.deptA.id, t.deptA1.id, t.deptB.id])
        }
    }

    @Test func kindsOnlyNestWhereAllowed() async throws {
        try await TestDatabase.with { test in
            let t = try await SampleTree.make(test.database)
            await #expect(throws: AccountError.kindNotAllowed(parent: .department, child: .company)) {
                try await t.accounts.create(kind: .company, name: "X", parentID: t.deptA.id, scope: t.platform.scope)
            }
            await #expect(throws: AccountError.platformExists) { try await t.accounts.create(platformName: "Second") }
            await #expect(throws: AccountError.invalidName("it is empty")) {
                try await t.accounts.create(kind: .department, name: "  ", parentID: t.company.id, scope: t.platform.scope)
            }
        }
    }

    @Test func anAdminOfDepartmentACannotReadBByID() async throws {
        try await TestDatabase.with { test in
            let t = try await SampleTree.make(test.database)
            let scopeA = t.deptA.scope
            let bob = try await t.users.create(accountID: t.deptB.id, email: "bob@clinic.example", password: "pw", scope: t.company.scope)
            let alice = try await t.users.create(accountID: t.deptA1.id, email: "alice@clinic.example", password: "pw", scope: t.company.scope)
            // A sees its own subtree
            #expect(try await t.accounts.get(t.deptA1.id, scope: scopeA) != nil)
            #expect(try await t.users.get(alice.id, scope: scopeA) == alice)
            // and nothing else: not its sibling, its parent, or another company
            #expect(try await t.accounts.get(t.deptB.id, scope: scopeA) == nil)
            #expect(try await t.accounts.get(t.company.id, scope: scopeA) == nil)
            #expect(try await t.accounts.get(t.otherCompany.id, scope: scopeA) == nil)
            #expect(try await t.users.get(bob.id, scope: scopeA) == nil)
            await #expect(throws: AccountError.notFound) {
                try await t.users.setPassword(userID: bob.id, password: "hijack", scope: scopeA)
            }
            await #expect(throws: AccountError.notFound) { try await t.accounts.rename(t.deptB.id, to: "Mine", scope: scopeA) }
            await #expect(throws: AccountError.notFound) {
                try await t.users.create(accountID: t.deptB.id, email: "mole@clinic.example", password: nil, scope: scopeA)
            }
            #expect(try await t.users.list(under: t.deptA.id, scope: scopeA).map(\.id) == [alice.id])
            // a company admin sees both
            #expect(Set(try await t.users.list(under: t.company.id, scope: t.company.scope).map(\.id)) == [alice.id, bob.id])
        }
    }

    @Test func departmentsAreDeletedOnlyWhenEmptyAndMoveWithinTheirCompany() async throws {
        try await TestDatabase.with { test in
            let t = try await SampleTree.make(test.database)
            let scope = t.company.scope
            let carol = try await t.users.create(accountID: t.deptB.id, email: "carol@clinic.example", password: nil, scope: scope)
            await #expect(throws: AccountError.notEmpty(users: 1, children: 0)) { try await t.accounts.deleteDepartment(t.deptB.id, scope: scope) }
            await #expect(throws: AccountError.notEmpty(users: 0, children: 1)) { try await t.accounts.deleteDepartment(t.deptA.id, scope: scope) }
            try await t.users.move(userID: carol.id, to: t.deptA1.id, scope: scope)
            #expect(try await t.users.get(carol.id, scope: t.deptA1.scope) != nil)
            try await t.accounts.deleteDepartment(t.deptB.id, scope: scope)
            #expect(try await t.accounts.get(t.deptB.id, scope: scope) == nil)
            // moving A1 to the company root rewrites its path (and its subtree's)
            try await t.accounts.moveDepartment(t.deptA1.id, to: t.company.id, scope: scope)
            let moved = try #require(try await t.accounts.get(t.deptA1.id, scope: scope))
            #expect(moved.path == t.company.path + "\(t.deptA1.id)/" && moved.parentID == t.company.id)
            #expect(try await t.accounts.get(t.deptA1.id, scope: t.deptA.scope) == nil)
            await #expect(throws: AccountError.notFound) {
                try await t.users.move(userID: carol.id, to: t.otherCompany.id, scope: scope)
            }
            await #expect(throws: AccountError.cannotMoveAcrossCompanies) {
                try await t.users.move(userID: carol.id, to: t.otherCompany.id, scope: t.platform.scope)
            }
        }
    }

    @Test func passwordsAndAdminRights() async throws {
        try await TestDatabase.with { test in
            let t = try await SampleTree.make(test.database)
            let dana = try await t.users.create(accountID: t.company.id, email: "Dana@Clinic.example", password: "s3cret pass", scope: t.company.scope)
            #expect(dana.username == "dana@clinic.example")
            #expect(try await t.users.authenticate(login: "DANA@clinic.example", password: "s3cret pass")?.id == dana.id)
            #expect(try await t.users.authenticate(login: "dana@clinic.example", password: "wrong") == nil)
            #expect(try await t.users.authenticate(login: "nobody@clinic.example", password: "s3cret pass") == nil)
            await #expect(throws: AccountError.usernameTaken("dana@clinic.example")) {
                try await t.users.create(accountID: t.deptA.id, email: "dana@clinic.example", password: nil, scope: t.company.scope)
            }
            await #expect(throws: AccountError.invalidEmail("not an address")) {
                try await t.users.create(accountID: t.deptA.id, email: "not an address", password: nil, scope: t.company.scope)
            }
            try await t.users.setStatus(userID: dana.id, .locked, scope: t.company.scope)
            #expect(try await t.users.authenticate(login: "dana@clinic.example", password: "s3cret pass") == nil)
            try await t.users.setStatus(userID: dana.id, .active, scope: t.company.scope)
            // the stored hash records its parameters
            let stored = try await test.database.query("SELECT password_hash FROM users WHERE id = ?", dana.id)
            #expect(Argon2id.parameters(of: try stored[0].get("password_hash")) == .testing)

            try await t.users.grant(userID: dana.id, accountID: t.deptA.id, rights: [.readOnly, .settings, .reports], scope: t.company.scope)
            let grant = try #require(try await t.users.grants(of: dana.id).first)
            #expect(grant.account.id == t.deptA.id)
            #expect(grant.allows(.reports, on: t.deptA1))
            #expect(!grant.allows(.settings, on: t.deptA1))  // read-only withholds changes
            #expect(!grant.allows(.reports, on: t.deptB))    // outside the grant's subtree
        }
    }
}
