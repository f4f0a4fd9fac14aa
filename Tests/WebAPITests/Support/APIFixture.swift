import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PagewireCore
import Testing
@testable import Web

/// Two tenants on a real database and a live `/v1` server on a loopback port chosen by the
/// kernel: company A (with department A1) and company B, each with a vault, users and API tokens.
struct APIFixture: Sendable {
    let test: TestDatabase
    let vault: Vault
    let configuration: Configuration
    let platform: Account
    let companyA: Account
    let departmentA: Account
    let companyB: Account
    /// A user in department A1.
    let alice: User
    let aliceToken: String
    /// An administrator of company A (sits at the company node, granted there).
    let adminA: User
    let adminAToken: String
    /// The administrator of company B: the other tenant.
    let bob: User
    let bobToken: String

    var database: Database { test.database }

    static func with<T: Sendable>(
        maxBodyBytes: Int = 256 * 1024, allowPrivateWebhooks: Bool = false, environment extra: [String: String] = [:],
        _ body: @Sendable (APIFixture, any TestClientProtocol) async throws -> T
    ) async throws -> T {
        try await TestDatabase.with { test in
            let directory = NSTemporaryDirectory() + "pw-api-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var environment = [
                "PAGEWIRE_DATABASE_URL": test.url.urlString,
                "PAGEWIRE_WEB_HOST": "127.0.0.1",
                "PAGEWIRE_WEB_PORT": "0",
                "PAGEWIRE_PATHS_RESOURCES": TestDatabase.repositoryRoot + "/Resources",
                "PAGEWIRE_VAULT_TRANSIT_KEY_FILE": directory + "/keys/transit.key",
                "PAGEWIRE_API_MAX_BODY_BYTES": String(maxBodyBytes),
                "PAGEWIRE_WEBHOOKS_ALLOW_PRIVATE_TARGETS": String(allowPrivateWebhooks),
            ]
            environment.merge(extra) { _, new in new }
            let configuration = try Configuration(fileValues: [:], environment: environment)
            let vault = Vault(database: test.database, transit: try TransitKeyring.loadOrCreate(path: configuration.vaultTransitKeyFile), kdfParameters: .testing)
            let fixture = try await make(test: test, vault: vault, configuration: configuration)
            var logger = Logger(label: "pagewire.test.web")
            logger.logLevel = .warning
            let app = try await buildApplication(configuration: configuration, database: test.database, vault: vault, logger: logger)
            return try await app.test(.live) { client in
                // Every response of every test is checked against the OpenAPI document.
                let recording = RecordingClient(client)
                let result = try await body(fixture, recording)
                try OpenAPIConformance.check(recording.recorded, requireCoverage: false)
                return result
            }
        }
    }

    private static func make(test: TestDatabase, vault: Vault, configuration: Configuration) async throws -> APIFixture {
        let accounts = AccountRepository(database: test.database)
        let users = UserRepository(database: test.database, passwordParameters: .testing)
        let tokens = APITokenRepository(database: test.database)
        let platform = try await accounts.create(platformName: "Platform")
        let reseller = try await accounts.create(kind: .reseller, name: "Reseller", parentID: platform.id, scope: platform.scope)
        let companyA = try await accounts.create(kind: .company, name: "Clinic A", parentID: reseller.id, scope: platform.scope)
        let departmentA = try await accounts.create(kind: .department, name: "Cardiology", parentID: companyA.id, scope: platform.scope)
        let companyB = try await accounts.create(kind: .company, name: "Law firm B", parentID: reseller.id, scope: platform.scope)
        let adminA = try await users.create(accountID: companyA.id, email: "admin@clinic-a.test", password: "admin-a-pw", scope: platform.scope)
        try await users.grant(userID: adminA.id, accountID: companyA.id, rights: AdminRight.all, scope: platform.scope)
        let alice = try await users.create(accountID: departmentA.id, email: "alice@clinic-a.test", password: "alice-pw", scope: platform.scope)
        let bob = try await users.create(accountID: companyB.id, email: "bob@law-b.test", password: "bob-pw", scope: platform.scope)
        try await users.grant(userID: bob.id, accountID: companyB.id, rights: AdminRight.all, scope: platform.scope)
        for (user, password, company) in [(adminA, "admin-a-pw", companyA), (bob, "bob-pw", companyB)] {
            try await vault.keyring.enroll(userID: user.id, password: password)
            _ = try await vault.keyring.createVault(companyID: company.id, firstAdminUserID: user.id, actor: .system("test"))
        }
        return APIFixture(
            test: test, vault: vault, configuration: configuration, platform: platform,
            companyA: companyA, departmentA: departmentA, companyB: companyB,
            alice: alice, aliceToken: try await tokens.create(userID: alice.id, name: "alice", scope: platform.scope).secret,
            adminA: adminA, adminAToken: try await tokens.create(userID: adminA.id, name: "admin", scope: platform.scope).secret,
            bob: bob, bobToken: try await tokens.create(userID: bob.id, name: "bob", scope: platform.scope).secret)
    }

    /// The real `pagewire-jobs serve` on this fixture's database and transit key.
    func startJobs(directory: String, environment extra: [String: String] = [:]) throws -> TestProcess {
        var environment = [
            "PAGEWIRE_DATABASE_URL": test.url.urlString,
            "PAGEWIRE_VAULT_TRANSIT_KEY_FILE": configuration.vaultTransitKeyFile,
            "PAGEWIRE_PATHS_RESOURCES": configuration.resourcesDirectory,
            "PAGEWIRE_PATHS_VAR": directory,
            "PAGEWIRE_WEBHOOKS_ALLOW_PRIVATE_TARGETS": String(configuration.webhooksAllowPrivateTargets),
        ]
        environment.merge(extra) { _, new in new }
        return try TestProcess.start("pagewire-jobs", ["serve"], environment: environment)
    }

    func count(_ table: String) async throws -> Int {
        try await database.query("SELECT COUNT(*) AS n FROM \(table)")[0].get("n")
    }
}

/// Request helpers over the live client.
extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String?, json: String? = nil,
              headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    func multipart(_ uri: String, token: String, fields: [(String, String)], files: [(name: String, filename: String, type: String, bytes: [UInt8])],
                   headers extra: HTTPFields = [:]) async throws -> TestResponse {
        let boundary = "pwtest" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for file in files {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        var headers = extra
        headers[.authorization] = "Bearer \(token)"
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }
}

extension TestResponse {
    /// The body parsed as a JSON object (or array), for checks.
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var text: String { String(buffer: body) }
}

/// Small documents for submissions.
enum SampleDocuments {
    static func pdf(_ marker: String = "hello") -> [UInt8] {
        Array("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n% \(marker)\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)
    }
    static func base64PDF(_ marker: String = "hello") -> String { Data(pdf(marker)).base64EncodedString() }
}
