import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing

/// `/v1/accounts/{id}/usage`: usage per user under a node, with the custom fields administrators
/// record, for charge-back; only the `reports` right opens it, only inside the caller's subtree.
@Suite("Usage report API")
struct UsageReportAPITests {
    static func fax(_ f: APIFixture, user: User?, account: Account, direction: String = "outbound", state: String = "delivered",
                    pages: Int, at: Date) async throws {
        let companyID = account.kind == .company ? account.id : account.companyID!
        _ = try await f.database.execute(
            """
            INSERT INTO faxes (direction, account_id, company_id, user_id, state, remote_number, pages, pages_sent, attempts,
                max_attempts, retry_interval_seconds, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, '+12065550100', ?, ?, 1, 4, 300, ?, ?)
            """, direction, account.id, companyID, user?.id, state, pages, direction == "outbound" && state != "failed" ? pages : 0, at, at)
    }

    /// Every answer of the operation, for the OpenAPI coverage test.
    static func exerciseAll(_ f: APIFixture, _ client: any TestClientProtocol) async throws {
        let path = "/v1/accounts/\(f.companyA.id)/usage"
        #expect(try await client.call(.get, path, token: f.adminAToken).status == .ok)
        #expect(try await client.call(.get, path + "?format=csv", token: f.adminAToken).status == .ok)
        #expect(try await client.call(.get, path + "?from=yesterday", token: f.adminAToken).status == .unprocessableContent)
        #expect(try await client.call(.get, path, token: f.aliceToken).status == .forbidden)
        #expect(try await client.call(.get, "/v1/accounts/\(f.companyB.id)/usage", token: f.adminAToken).status == .notFound)
    }

    @Test func usagePerUserCarriesCostCentreAndEmployeeIdAndStaysInTheSubtree() async throws {
        try await APIFixture.with { f, client in
            // setup: Alice (department A, cost centre set, one hostile to spreadsheets) sends and receives; Bob's company too
            _ = try await f.database.execute("UPDATE users SET cost_centre = '=HYPERLINK(\"x\")', employee_id = 'E-7' WHERE id = ?", f.alice.id)
            let day = try #require(ISO8601DateFormatter().date(from: "2026-11-10T12:00:00Z"))
            try await Self.fax(f, user: f.alice, account: f.departmentA, pages: 3, at: day)
            try await Self.fax(f, user: f.alice, account: f.departmentA, state: "failed", pages: 2, at: day)
            try await Self.fax(f, user: f.alice, account: f.departmentA, direction: "inbound", state: "received", pages: 4, at: day)
            try await Self.fax(f, user: nil, account: f.companyA, direction: "inbound", state: "received", pages: 1, at: day)
            try await Self.fax(f, user: f.alice, account: f.departmentA, pages: 9, at: day.addingTimeInterval(-60 * 86_400))
            try await Self.fax(f, user: f.bob, account: f.companyB, pages: 5, at: day)
            let period = "from=2026-11-01T00:00:00Z&until=2026-12-01T00:00:00Z"
            // act
            let report = try await client.call(.get, "/v1/accounts/\(f.companyA.id)/usage?\(period)", token: f.adminAToken)
            let csv = try await client.call(.get, "/v1/accounts/\(f.companyA.id)/usage?\(period)&format=csv", token: f.adminAToken)
            // check: Alice's row and the shared queue's; nothing of Bob's company or outside the period
            #expect(report.status == .ok)
            let rows = try #require(report.object["rows"] as? [[String: Any]])
            #expect(rows.count == 2)
            let alice = try #require(rows.first { $0["user_id"] as? Int == Int(f.alice.id) })
            #expect(alice["employee_id"] as? String == "E-7" && alice["cost_centre"] as? String == "=HYPERLINK(\"x\")")
            #expect(alice["faxes_sent"] as? Int == 2 && alice["pages_sent"] as? Int == 3 && alice["faxes_delivered"] as? Int == 1)
            #expect(alice["faxes_failed"] as? Int == 1 && alice["faxes_received"] as? Int == 1 && alice["pages_received"] as? Int == 4)
            let queue = try #require(rows.first { $0["user_id"] == nil })
            #expect(queue["faxes_received"] as? Int == 1 && queue["pages_received"] as? Int == 1)
            // the CSV has the same figures, with the formula defused
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = String(buffer: csv.body).split(separator: "\r\n").map(String.init)
            #expect(lines.count == 3)
            let aliceLine = try #require(lines.first { $0.hasPrefix("\(f.alice.id),") })
            #expect(aliceLine.contains("\"'=HYPERLINK(\"\"x\"\")\",E-7,2,3,1,1,1,4"))
            // the department alone sees only its own faxes; the queue's belong to the company
            let department = try await client.call(.get, "/v1/accounts/\(f.departmentA.id)/usage?\(period)", token: f.adminAToken)
            #expect((department.object["rows"] as? [[String: Any]])?.count == 1)
            // bad periods
            #expect(try await client.call(.get, "/v1/accounts/\(f.companyA.id)/usage?from=2026-12-01T00:00:00Z&until=2026-11-01T00:00:00Z",
                                          token: f.adminAToken).status == .unprocessableContent)
            #expect(try await client.call(.get, "/v1/accounts/\(f.companyA.id)/usage?from=2024-01-01T00:00:00Z&until=2026-11-01T00:00:00Z",
                                          token: f.adminAToken).status == .unprocessableContent)
            #expect(try await client.call(.get, "/v1/accounts/\(f.companyA.id)/usage?format=xlsx", token: f.adminAToken).status == .unprocessableContent)
        }
    }
}
