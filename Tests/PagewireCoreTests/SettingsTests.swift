import Foundation
import PagewireCore
import Testing

@Suite("Settings inheritance")
struct SettingsTests {
    @Test func theNearestOverrideWinsAtEveryDepth() async throws {
        try await TestDatabase.with { test in
            let t = try await SampleTree.make(test.database)
            let settings = SettingsRepository(database: test.database)
            let root = t.platform.scope
            let user = try await t.users.create(accountID: t.deptA1.id, email: "u@clinic.example", password: nil, scope: root)
            let key = Settings.retentionDays
            // default
            #expect(try await settings.effective(key, forUser: user.id) == ResolvedSetting(value: 30, origin: .platformDefault))
            // each level overrides the one above it
            let levels: [(Account, Int)] = [(t.platform, 60), (t.reseller, 50), (t.company, 40), (t.deptA, 20), (t.deptA1, 10)]
            for (account, days) in levels {
                try await settings.set(key, to: days, atAccount: account.id, scope: root)
                #expect(try await settings.effective(key, forUser: user.id) == ResolvedSetting(value: days, origin: .account(id: account.id, kind: account.kind)))
            }
            try await settings.set(key, to: 5, forUser: user.id, scope: root)
            #expect(try await settings.effective(key, forUser: user.id) == ResolvedSetting(value: 5, origin: .user(id: user.id)))
            // resetting from the bottom up falls back one level at a time
            try await settings.reset(key, forUser: user.id, scope: root)
            #expect(try await settings.effective(key, forUser: user.id).value == 10)
            for (i, (account, _)) in levels.reversed().enumerated() {
                try await settings.reset(key, atAccount: account.id, scope: root)
                let expected = i + 1 < levels.count ? levels.reversed()[i + 1].1 : 30
                #expect(try await settings.effective(key, forUser: user.id).value == expected)
            }
        }
    }

    @Test func aCompanyChangeReachesExistingUsersAtOnce() async throws {
        try await TestDatabase.with { test in
            let t = try await SampleTree.make(test.database)
            let settings = SettingsRepository(database: test.database)
            let scope = t.company.scope
            let a = try await t.users.create(accountID: t.deptA.id, email: "a@clinic.example", password: nil, scope: scope)
            let b = try await t.users.create(accountID: t.deptB.id, email: "b@clinic.example", password: nil, scope: scope)
            try await settings.set(Settings.inboundFileType, to: .tiff, atAccount: t.deptB.id, scope: scope)
            try await settings.set(Settings.inboundFileType, to: .tiffHiRes, atAccount: t.company.id, scope: scope)
            #expect(try await settings.effective(Settings.inboundFileType, forUser: a.id).value == .tiffHiRes)
            #expect(try await settings.effective(Settings.inboundFileType, forUser: b.id).value == .tiff)
            // typed structured values round-trip
            let policy = RetryPolicy(attempts: 3, intervalSeconds: 120)
            try await settings.set(Settings.retryPolicy, to: policy, atAccount: t.company.id, scope: scope)
            #expect(try await settings.effective(Settings.retryPolicy, forUser: a.id).value == policy)
            try await settings.set(Settings.outboundBlocklist, to: ["+12065550100"], atAccount: t.company.id, scope: scope)
            #expect(try await settings.effective(Settings.outboundBlocklist, forUser: b.id).value == ["+12065550100"])
            try await settings.set(Settings.timeZone, to: "America/Los_Angeles", atAccount: t.company.id, scope: scope)
            #expect(try await settings.effective(Settings.timeZone, forAccount: t.deptA1.id, scope: scope).value == "America/Los_Angeles")
        }
    }

    @Test func invalidValuesAndForeignScopesAreRefused() async throws {
        try await TestDatabase.with { test in
            let t = try await SampleTree.make(test.database)
            let settings = SettingsRepository(database: test.database)
            await #expect(throws: SettingsError.self) {
                try await settings.set(Settings.timeZone, to: "Mars/Olympus", atAccount: t.company.id, scope: t.company.scope)
            }
            await #expect(throws: SettingsError.self) {
                try await settings.set(Settings.retryPolicy, to: RetryPolicy(attempts: 99, intervalSeconds: 1), atAccount: t.company.id, scope: t.company.scope)
            }
            await #expect(throws: SettingsError.self) {
                try await settings.set(Settings.outboundBlocklist, to: ["12"], atAccount: t.company.id, scope: t.company.scope)
            }
            await #expect(throws: SettingsError.notFound) {
                try await settings.set(Settings.retentionDays, to: 7, atAccount: t.otherCompany.id, scope: t.company.scope)
            }
            await #expect(throws: SettingsError.notFound) {
                try await settings.effective(Settings.retentionDays, forAccount: t.deptB.id, scope: t.deptA.scope)
            }
        }
    }
}

@Suite("Settings changes in the audit log")
struct SettingsAuditTests {
    @Test func everyChangeIsAuditedWithItsActorKeyAndPlaceButNotItsValue() async throws {
        try await TestDatabase.with { test in
            // setup
            let t = try await SampleTree.make(test.database)
            let settings = SettingsRepository(database: test.database)
            let scope = t.company.scope
            let user = try await t.users.create(accountID: t.deptA.id, email: "audited@clinic.example", password: nil, scope: scope)
            let admin = AuditActor.user(user.id, label: "admin@clinic.example", ip: "192.0.2.7")
            // act
            try await settings.set(Settings.outboundBlocklist, to: ["+12065550199"], atAccount: t.company.id, scope: scope, by: admin)
            try await settings.set(Settings.retentionDays, to: 7, forUser: user.id, scope: scope, by: admin)
            try await settings.reset(Settings.retentionDays, forUser: user.id, scope: scope, by: admin)
            try await settings.reset(Settings.outboundBlocklist, atAccount: t.company.id, scope: scope, by: admin)
            // a refused change (another tenant's node) writes nothing
            await #expect(throws: SettingsError.self) {
                try await settings.set(Settings.retentionDays, to: 9, atAccount: t.reseller.id, scope: scope, by: admin)
            }
            // check
            let entries = try await AuditLog(database: test.database).entries(scopePath: t.company.path, filter: AuditFilter(actions: [.settingsChange]))
            #expect(entries.count == 4)
            #expect(Set(entries.map(\.targetID)) == [Settings.outboundBlocklist.name, Settings.retentionDays.name])
            #expect(entries.allSatisfy { $0.actor.userID == user.id && $0.actor.ip == "192.0.2.7" })
            #expect(entries.filter { $0.accountID == t.deptA.id }.count == 2)
            let csv = try await AuditLog(database: test.database).csv(scopePath: t.company.path)
            #expect(!csv.contains("2065550199"))
        }
    }
}
