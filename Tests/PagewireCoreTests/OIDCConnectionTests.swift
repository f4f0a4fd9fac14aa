import Foundation
import PagewireCore
import Testing

@Suite("Identity: single sign-on connections")
struct OIDCConnectionTests {
    @Test func secretSealedDomainsFindTheCompanyAndTenantsStayApart() async throws {
        try await TestDatabase.with { test in
            // setup
            let directory = NSTemporaryDirectory() + "pw-oidc-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let transit = try TransitKeyring.loadOrCreate(path: directory + "/transit.key")
            let t = try await SampleTree.make(test.database)
            let repository = OIDCConnectionRepository(database: test.database, transit: transit)
            let secret = "very-secret-client-secret-4711"
            // act
            try await repository.save(
                OIDCConnection(companyID: t.company.id, issuer: "https://idp.clinic.example", clientID: "pagewire",
                               scopes: ["email", "profile", "groups"], emailDomains: ["Clinic.Example", " clinic.example"],
                               groupDepartments: ["cardiology": t.deptA.id], justInTimeUsers: true, ssoOnly: true),
                clientSecret: secret, scope: t.company.scope, actor: .system("test"))
            // check: the secret is sealed, opens only through the repository, and is bound to the company
            let stored: [UInt8] = try await test.database.query("SELECT client_secret_sealed FROM oidc_connections")[0].get("client_secret_sealed")
            #expect(!String(decoding: stored, as: UTF8.self).contains(secret))
            #expect(try await repository.clientSecret(companyID: t.company.id) == secret)
            let found = try #require(try await repository.find(email: "Dana@CLINIC.example"))
            #expect(found.companyID == t.company.id && found.scopes == ["openid", "email", "profile", "groups"])
            #expect(found.emailDomains == ["clinic.example"] && found.groupDepartments == ["cardiology": t.deptA.id])
            #expect(found.justInTimeUsers && found.ssoOnly)
            #expect(try await repository.find(email: "someone@other.example") == nil)
            // another company cannot take the domain, see the connection, or map groups to foreign departments
            await #expect(throws: OIDCConnectionError.domainTaken("clinic.example")) {
                try await repository.save(OIDCConnection(companyID: t.otherCompany.id, issuer: "https://idp.other.example", clientID: "x",
                                                         emailDomains: ["clinic.example"]), clientSecret: "s", scope: t.otherCompany.scope, actor: .system("test"))
            }
            await #expect(throws: OIDCConnectionError.self) {
                try await repository.save(OIDCConnection(companyID: t.otherCompany.id, issuer: "https://idp.other.example", clientID: "x",
                                                         emailDomains: ["other.example"], groupDepartments: ["x": t.deptA.id]),
                                          clientSecret: "s", scope: t.otherCompany.scope, actor: .system("test"))
            }
            #expect(try await repository.get(companyID: t.company.id, scope: t.otherCompany.scope) == nil)
            await #expect(throws: OIDCConnectionError.notFound) {
                try await repository.save(OIDCConnection(companyID: t.company.id, issuer: "https://evil.example", clientID: "x", emailDomains: ["evil.example"]),
                                          clientSecret: "s", scope: t.otherCompany.scope, actor: .system("test"))
            }
            // validation
            for bad in [OIDCConnection(companyID: t.company.id, issuer: "ftp://idp", clientID: "x", emailDomains: ["a.example"]),
                        OIDCConnection(companyID: t.company.id, issuer: "https://idp", clientID: "", emailDomains: ["a.example"]),
                        OIDCConnection(companyID: t.company.id, issuer: "https://idp", clientID: "x", emailDomains: []),
                        OIDCConnection(companyID: t.company.id, issuer: "https://idp", clientID: "x", emailDomains: ["not a domain"])] {
                await #expect(throws: OIDCConnectionError.self) { try await repository.save(bad, clientSecret: "s", scope: t.company.scope, actor: .system("test")) }
            }
            // a sealed secret copied to another company's row does not open there
            try await repository.save(OIDCConnection(companyID: t.otherCompany.id, issuer: "https://idp.other.example", clientID: "x",
                                                     emailDomains: ["other.example"]), clientSecret: "other", scope: t.otherCompany.scope, actor: .system("test"))
            try await test.database.execute("UPDATE oidc_connections SET client_secret_sealed = ? WHERE company_id = ?", stored, t.otherCompany.id)
            await #expect(throws: (any Error).self) { try await repository.clientSecret(companyID: t.otherCompany.id) }
            // the change is audited
            #expect(try await AuditLog(database: test.database).entries(scopePath: t.company.path).contains { $0.targetType == "oidc_connection" })
        }
    }
}
