import Foundation
import Logging
import PagewireCore
import ServiceLifecycle
@testable import Web

/// A portal worker served in-process on a loopback port over a fresh database, with two
/// tenants: company A (under a reseller) and company B, one user each.
struct PortalHarness {
    let test: TestDatabase
    let port: Int
    let platform: Account
    let reseller: Account
    let companyA: Account
    let companyB: Account
    let userA: User
    let userB: User
    let users: UserRepository
    /// The worker's vault (its transit keys open trunk passwords and sealed secrets).
    let vault: Vault
    static let password = "Correct-Horse-7battery"

    var database: Database { test.database }
    var client: HTTPTestClient { HTTPTestClient(port: port) }
    func browser(host: String? = nil) -> TestBrowser { TestBrowser(client: client, host: host) }

    static func with(environment extra: [String: String] = [:], _ body: (PortalHarness) async throws -> Void) async throws {
        try await TestDatabase.with { test in
            var logger = Logger(label: "pagewire.test.portal")
            logger.logLevel = .warning
            let keyDirectory = NSTemporaryDirectory() + "pw-portal-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            defer { try? FileManager.default.removeItem(atPath: keyDirectory) }
            let configuration = try Configuration(fileValues: [:], environment: [
                "PAGEWIRE_DATABASE_URL": test.url.urlString,
                "PAGEWIRE_PATHS_RESOURCES": TestDatabase.repositoryRoot + "/Resources",
                "PAGEWIRE_VAULT_TRANSIT_KEY_FILE": keyDirectory + "/transit.key",
            ].merging(extra) { _, new in new })
            let listening = try ListeningSocket.bind(host: "127.0.0.1", port: 0)
            let vault = try Vault.open(database: test.database, configuration: configuration)
            let server = try await buildWorkerServer(
                configuration: configuration, database: test.database, vault: vault, logger: logger, listenDescriptor: listening.descriptor)
            let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
            let accounts = AccountRepository(database: test.database)
            let users = UserRepository(database: test.database, passwordParameters: .testing)
            let platform = try await accounts.create(platformName: "Pagewire")
            let reseller = try await accounts.create(kind: .reseller, name: "FaxResell", parentID: platform.id, scope: platform.scope)
            let companyA = try await accounts.create(kind: .company, name: "Clinic A", parentID: reseller.id, scope: platform.scope)
            let companyB = try await accounts.create(kind: .company, name: "Firm B", parentID: platform.id, scope: platform.scope)
            let userA = try await users.create(accountID: companyA.id, email: "alice@clinic-a.example", displayName: "Alice A", password: password, scope: platform.scope)
            let userB = try await users.create(accountID: companyB.id, email: "bob@firm-b.example", displayName: "Bob B", password: password, scope: platform.scope)
            // Company A has a document vault (Alice holds its key); company B has none yet.
            let keyring = CompanyKeyring(database: test.database, kdfParameters: .testing)
            try await keyring.enroll(userID: userA.id, password: password)
            _ = try await keyring.createVault(companyID: companyA.id, firstAdminUserID: userA.id, actor: .system("test"))
            let harness = PortalHarness(
                test: test, port: listening.port, platform: platform, reseller: reseller, companyA: companyA, companyB: companyB,
                userA: userA, userB: userB, users: users, vault: vault)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                do {
                    try await body(harness)
                } catch {
                    await group.triggerGracefulShutdown()
                    throw error
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    /// Inserts an outbound fax of `user` directly (the scheduler's own tests cover submission).
    func insertFax(user: User, account: Account, number: String = "+12065550100", state: String = "delivered",
                   direction: String = "outbound", pages: Int = 2, at: Date = Date()) async throws -> Int64 {
        let companyID = account.kind == .company ? account.id : account.companyID!
        return Int64(try await database.execute(
            """
            INSERT INTO faxes (direction, account_id, company_id, user_id, state, remote_number, pages, pages_sent, attempts,
                max_attempts, retry_interval_seconds, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 4, 300, ?, ?)
            """, direction, account.id, companyID, user.id, state, number, pages, direction == "outbound" ? pages : 0, at, at).lastInsertID)
    }
}

/// A client that keeps cookies like a browser (without the browser), for security tests.
final class TestBrowser: @unchecked Sendable {
    let client: HTTPTestClient
    let host: String?
    var cookies: [String: String] = [:]
    /// The `Set-Cookie` lines of the last response.
    var lastSetCookies: [String] = []

    init(client: HTTPTestClient, host: String?) {
        self.client = client
        self.host = host
    }

    private var headers: [(String, String)] {
        var h: [(String, String)] = []
        if let host { h.append(("Host", host)) }
        if !cookies.isEmpty { h.append(("Cookie", cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; "))) }
        return h
    }

    @discardableResult
    func get(_ path: String) async throws -> HTTPTestClient.Response {
        remember(try await client.get(path, headers: headers))
    }

    @discardableResult
    func post(_ path: String, _ form: [(String, String)]) async throws -> HTTPTestClient.Response {
        remember(try await client.post(path, form: form, headers: headers))
    }

    @discardableResult
    func postMultipart(_ path: String, fields: [(String, String)], files: [(field: String, filename: String, type: String, bytes: [UInt8])]) async throws -> HTTPTestClient.Response {
        let boundary = "----pw" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for file in files {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.filename)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return remember(try await client.send("POST", path, headers: headers + [("Content-Type", "multipart/form-data; boundary=\(boundary)")], body: body))
    }

    private func remember(_ response: HTTPTestClient.Response) -> HTTPTestClient.Response {
        lastSetCookies = response.headers("Set-Cookie")
        for line in lastSetCookies {
            let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0]).trimmingCharacters(in: .whitespaces)
            let value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || line.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return response
    }

    /// The anti-forgery token of the first form in `html`.
    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value="[^"]*""#, options: .regularExpression) else { return nil }
        return String(html[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
    }

    /// Loads the sign-in page and signs in; returns the response to the form post.
    @discardableResult
    func signIn(_ login: String, _ password: String) async throws -> HTTPTestClient.Response {
        let page = try await get("/signin")
        return try await post("/signin", [("csrf", Self.csrf(in: page.text) ?? ""), ("login", login), ("password", password)])
    }
}
