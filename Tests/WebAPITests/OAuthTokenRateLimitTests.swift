import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing
@testable import Web

@Suite("Identity: /oauth/token rate limits")
struct OAuthTokenRateLimitTests {
    /// Waits, if needed, until a fresh one-minute counting window has more than 20 s to run, so a
    /// short burst of requests is counted in one window.
    static func startOfWindow() async throws {
        let second = Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 60)
        if second > 40 { try await Task.sleep(for: .seconds(60 - second + 0.5)) }
    }

    @Test func perClientLimitAnswers429WithRetryAfterAndAuditsTheRefusal() async throws {
        try await APIFixture.with(environment: ["PAGEWIRE_OAUTH_TOKEN_REQUESTS_PER_MINUTE_PER_CLIENT": "3",
                                                "PAGEWIRE_OAUTH_TOKEN_REQUESTS_PER_MINUTE_PER_IP": "1000"]) { f, client in
            // setup: two apps of company A
            let app = try await f.registerApp(client)
            let other = try await f.registerApp(client, name: "Other")
            try await Self.startOfWindow()
            // act: three requests pass (one of them with a wrong secret), the fourth is refused
            #expect(try await client.accessToken(clientID: app.clientID, secret: app.secret) != nil)
            #expect(try await client.oauthToken([("grant_type", "client_credentials")], basic: (app.clientID, "wrong")).status == .unauthorized)
            #expect(try await client.accessToken(clientID: app.clientID, secret: app.secret) != nil)
            let refused = try await client.oauthToken([("grant_type", "client_credentials"), ("client_id", app.clientID), ("client_secret", app.secret)])
            // check: 429, a problem document, Retry-After within the window
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.contentType] == "application/problem+json")
            #expect(refused.object["status"] as? Int == 429 && refused.object["type"] as? String == "urn:pagewire:problem:rate-limited")
            let retryAfter = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...60).contains(retryAfter))
            #expect(refused.object["retry_after_seconds"] as? Int == retryAfter)
            // the right secret does not help, and no token is issued; another client is not affected
            #expect(try await client.oauthToken([("grant_type", "client_credentials")], basic: (app.clientID, app.secret)).status == .tooManyRequests)
            #expect(try await client.accessToken(clientID: other.clientID, secret: other.secret) != nil)
            // the wrong secret and the limit are in the audit log, under company A
            let rows = try await f.database.query(
                "SELECT account_id, actor_label, detail FROM audit_log WHERE action = 'auth.token_request_refused' ORDER BY id"
            ).map { (try $0.get("account_id", as: Int64.self), try $0.get("actor_label", as: String.self), try $0.get("detail", as: String.self)) }
            #expect(rows.contains { $0.0 == f.companyA.id && $0.1 == app.clientID && $0.2.contains("wrong secret") })
            #expect(rows.filter { $0.0 == f.companyA.id && $0.2.contains("rate limit per client") }.count == 1)
            // the count is kept in MariaDB, shared by every worker
            let count: Int = try await f.database.query(
                "SELECT CAST(SUM(hits) AS SIGNED) AS n FROM rate_counters WHERE counter_key = ?", "oauth.token.client:\(app.clientID)")[0].get("n")
            #expect(count == 5)
        }
    }

    @Test func perAddressLimitCountsEveryRequestFromTheAddress() async throws {
        try await APIFixture.with(environment: ["PAGEWIRE_OAUTH_TOKEN_REQUESTS_PER_MINUTE_PER_CLIENT": "1000",
                                                "PAGEWIRE_OAUTH_TOKEN_REQUESTS_PER_MINUTE_PER_IP": "4"]) { f, client in
            let app = try await f.registerApp(client)
            try await Self.startOfWindow()
            // act: unknown clients, a malformed request and a good one share the address's count
            #expect(try await client.oauthToken([("grant_type", "client_credentials")], basic: ("nobody", "x")).status == .unauthorized)
            #expect(try await client.oauthToken([("grant_type", "client_credentials")], basic: ("nobody-else", "x")).status == .unauthorized)
            #expect(try await client.unrecorded.execute(uri: "/oauth/token", method: .post, headers: [.contentType: "application/json"],
                                                        body: ByteBuffer(string: "{}")).status == .badRequest)
            #expect(try await client.accessToken(clientID: app.clientID, secret: app.secret) != nil)
            let refused = try await client.oauthToken([("grant_type", "client_credentials")], basic: (app.clientID, app.secret))
            // check
            #expect(refused.status == .tooManyRequests && refused.headers[.retryAfter] != nil)
            let platformRows = try await f.database.query(
                "SELECT detail FROM audit_log WHERE action = 'auth.token_request_refused' AND account_id = ?", f.platform.id
            ).map { try $0.get("detail", as: String.self) }
            #expect(platformRows.filter { $0.contains("wrong secret") }.count == 2)
            #expect(platformRows.contains { $0.contains("rate limit per address") })
        }
    }
}
