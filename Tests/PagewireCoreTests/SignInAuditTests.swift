import Foundation
import PagewireCore
import Testing

@Suite("Sign-in in the audit log")
struct SignInAuditTests {
    @Test func successesFailuresAndLockoutsAreAuditedWithTheirAddress() async throws {
        try await TestDatabase.with { test in
            // setup
            let t = try await SampleTree.make(test.database)
            let user = try await t.users.create(accountID: t.deptA.id, email: "signin@clinic.example", password: "right-horse-battery", scope: t.company.scope)
            let service = SignInService(database: test.database, users: t.users)
            // act
            guard case .signedIn = try await service.signIn(login: "signin@clinic.example", password: "right-horse-battery",
                                                             remoteAddress: "198.51.100.4", userAgent: "test") else { Issue.record("sign-in"); return }
            guard case .rejected = try await service.signIn(login: "signin@clinic.example", password: "wrong",
                                                            remoteAddress: "198.51.100.5", userAgent: "test") else { Issue.record("rejection"); return }
            // an unknown login belongs to no account: nothing to attribute, nothing written
            _ = try await service.signIn(login: "nobody@clinic.example", password: "x", remoteAddress: "198.51.100.6", userAgent: "test")
            // check
            let log = AuditLog(database: test.database)
            let entries = try await log.entries(scopePath: t.company.path, filter: AuditFilter(actions: [.signIn, .signInFailed]))
            #expect(entries.count == 2)
            let success = try #require(entries.first { $0.action == AuditAction.signIn.rawValue })
            #expect(success.actor.userID == user.id && success.actor.ip == "198.51.100.4" && success.accountID == t.deptA.id)
            let failure = try #require(entries.first { $0.action == AuditAction.signInFailed.rawValue })
            #expect(failure.actor.ip == "198.51.100.5" && failure.detail == "wrong password")
            let everything = try await log.csv(scopePath: t.platform.path)
            #expect(!everything.contains("right-horse-battery") && !everything.contains("wrong,"))
            #expect(try await log.entries(scopePath: t.otherCompany.path).isEmpty)
        }
    }
}
