import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Testing
@testable import Web

/// `/v1/users`, `/v1/accounts/{id}/users`, `/v1/accounts/{id}/numbers`, `/v1/numbers/{id}/assign`:
/// an administrator manages users and numbers of their subtree; other tenants read as 404 and
/// callers without the right get 403. Every response is checked against the OpenAPI document.
@Suite("Users and numbers API")
struct UsersAPITests {
    @Test func anAdminCreatesUpdatesLocksMovesAndDeletesAUser() async throws {
        try await APIFixture.with { f, client in
            // act: create with a generated password
            let created = try await client.call(.post, "/v1/accounts/\(f.companyA.id)/users", token: f.adminAToken,
                                                json: #"{"email":"nina@clinic-a.test","display_name":"Nina","cost_centre":"CC-1","employee_id":"E-9"}"#)
            // check
            #expect(created.status == .created)
            let user = try #require(created.object["user"] as? [String: Any])
            let id = try #require(user["id"] as? Int)
            #expect(user["username"] as? String == "nina@clinic-a.test" && user["cost_centre"] as? String == "CC-1")
            let password = try #require(created.object["password"] as? String)
            let users = UserRepository(database: f.database, passwordParameters: .testing)
            #expect(try await users.authenticate(login: "nina@clinic-a.test", password: password)?.id == Int64(id))
            // an entered password is not echoed; a chosen username that is taken conflicts
            let entered = try await client.call(.post, "/v1/accounts/\(f.departmentA.id)/users", token: f.adminAToken,
                                                json: #"{"email":"omar@clinic-a.test","username":"omar","password":"Omar-Strong-Pass-1"}"#)
            #expect(entered.status == .created && entered.object["password"] == nil)
            #expect(try await client.call(.post, "/v1/accounts/\(f.companyA.id)/users", token: f.adminAToken,
                                          json: #"{"email":"x@clinic-a.test","username":"omar"}"#).status == .conflict)
            #expect(try await client.call(.post, "/v1/accounts/\(f.companyA.id)/users", token: f.adminAToken,
                                          json: #"{"email":"not-an-address"}"#).status == .unprocessableContent)
            // list, read, update
            let list = try await client.call(.get, "/v1/users", token: f.adminAToken)
            let names = (list.object["users"] as? [[String: Any]])?.compactMap { $0["username"] as? String } ?? []
            #expect(names.contains("nina@clinic-a.test") && names.contains("omar") && !names.contains("bob@law-b.test"))
            let departmentList = try await client.call(.get, "/v1/accounts/\(f.departmentA.id)/users", token: f.adminAToken)
            #expect((departmentList.object["users"] as? [[String: Any]])?.count == 2)  // alice and omar
            let patched = try await client.call(.patch, "/v1/users/\(id)", token: f.adminAToken, json: #"{"phone":"+1 206 555 0100","display_name":"Nina N."}"#)
            #expect(patched.status == .ok && patched.object["phone"] as? String == "+1 206 555 0100" && patched.object["employee_id"] as? String == "E-9")
            // lock and unlock
            #expect(try await client.call(.post, "/v1/users/\(id)/lock", token: f.adminAToken).object["status"] as? String == "locked")
            #expect(try await users.authenticate(login: "nina@clinic-a.test", password: password) == nil)
            #expect(try await client.call(.post, "/v1/users/\(id)/unlock", token: f.adminAToken).object["status"] as? String == "active")
            // move within the company, never to another
            let moved = try await client.call(.post, "/v1/users/\(id)/move", token: f.adminAToken, json: "{\"account_id\":\(f.departmentA.id)}")
            #expect(moved.object["account_id"] as? Int == Int(f.departmentA.id))
            #expect(try await client.call(.post, "/v1/users/\(id)/move", token: f.adminAToken, json: "{\"account_id\":\(f.companyB.id)}").status == .unprocessableContent)
            // number assignment, then delete returns it
            let numbers = NumberRepository(database: f.database)
            let number = try await numbers.addToPool(["+12065550155"], poolAccountID: f.companyA.parentID!, scope: f.platform.scope)[0]
            _ = try await numbers.take([number.id], forCompany: f.companyA.id, scope: f.platform.scope)
            let assigned = try await client.call(.post, "/v1/numbers/\(number.id)/assign", token: f.adminAToken, json: "{\"user_id\":\(id)}")
            #expect(assigned.status == .ok && assigned.object["status"] as? String == "assigned")
            #expect((try await client.call(.get, "/v1/users/\(id)", token: f.adminAToken).object["numbers"] as? [String]) == ["+12065550155"])
            #expect(try await client.call(.delete, "/v1/users/\(id)", token: f.adminAToken).status == .noContent)
            let inventory = try await client.call(.get, "/v1/accounts/\(f.companyA.id)/numbers", token: f.adminAToken)
            let row = try #require((inventory.object["numbers"] as? [[String: Any]])?.first { $0["number"] as? String == "+12065550155" })
            #expect(row["status"] as? String == "unassigned" && row["user_id"] == nil && row["country"] as? String == "US/CA")
            #expect(try await client.call(.get, "/v1/users/\(id)", token: f.adminAToken).status == .notFound)
            #expect(try await client.call(.delete, "/v1/users/\(f.adminA.id)", token: f.adminAToken).status == .conflict)
        }
    }

    @Test func otherTenantsReadAsNotFoundAndPlainUsersAreForbidden() async throws {
        try await APIFixture.with { f, client in
            // act + check: company B's admin cannot see or touch company A's users and numbers
            #expect(try await client.call(.get, "/v1/users/\(f.alice.id)", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.post, "/v1/users/\(f.alice.id)/lock", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.delete, "/v1/users/\(f.alice.id)", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.get, "/v1/accounts/\(f.companyA.id)/users", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.get, "/v1/accounts/\(f.companyA.id)/numbers", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.post, "/v1/accounts/\(f.companyA.id)/users", token: f.bobToken, json: #"{"email":"e@x.test"}"#).status == .notFound)
            // a plain user is no administrator
            #expect(try await client.call(.get, "/v1/users", token: f.aliceToken).status == .forbidden)
            #expect(try await client.call(.get, "/v1/users/\(f.alice.id)", token: f.aliceToken).status == .forbidden)
            // nothing changed
            let alice = try await UserRepository(database: f.database).get(f.alice.id, scope: f.platform.scope)
            #expect(alice?.status == .active)
        }
    }

    @Test func welcomeMessagesReachARealSMTPServerWithOrWithoutTheCredentialsLink() async throws {
        try await APIFixture.with { f, client in
            // setup: a second user of company A
            let users = UserRepository(database: f.database, passwordParameters: .testing)
            let carl = try await users.create(accountID: f.companyA.id, email: "carl@clinic-a.test", displayName: "Carl", password: "Carl-pw-123456", scope: f.platform.scope)
            let sink = try SMTPSink(failFirst: 0)
            defer { sink.stop() }
            // act: the credentials message for Alice, the plain welcome for Carl; Bob cannot send to Alice
            #expect(try await client.call(.post, "/v1/users/\(f.alice.id)/welcome", token: f.adminAToken, json: #"{"credentials":true}"#).status == .accepted)
            #expect(try await client.call(.post, "/v1/users/\(carl.id)/welcome", token: f.adminAToken, json: #"{"credentials":false}"#).status == .accepted)
            #expect(try await client.call(.post, "/v1/users/\(f.alice.id)/welcome", token: f.bobToken, json: "{}").status == .notFound)
            let temporary = NSTemporaryDirectory() + "pw-jobs-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            let jobs = try f.startJobs(directory: temporary, environment: [
                "PAGEWIRE_MAIL_SMTP_URL": "smtp://127.0.0.1:\(sink.port)", "PAGEWIRE_MAIL_FROM": "fax@reseller.test",
            ])
            defer { jobs.kill(signal: SIGTERM) }
            for _ in 0..<450 {
                let pending = try await f.database.query("SELECT COUNT(*) AS n FROM work WHERE kind = ?", WelcomeMessage.kind)[0].get("n", as: Int.self)
                if pending == 0 && sink.messages.count >= 2 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            // check: one message each; only the credentials message links to the password page; no password anywhere
            let messages = sink.messages
            #expect(messages.count == 2)
            let toAlice = messages.first { ($0["rcpt_tos"] as? [String]) == ["alice@clinic-a.test"] }?["data"] as? String ?? ""
            let toCarl = messages.first { ($0["rcpt_tos"] as? [String]) == ["carl@clinic-a.test"] }?["data"] as? String ?? ""
            #expect(toAlice.contains("Subject: Your fax account: set your password"))
            #expect(toAlice.contains("/forgot-password?login=alice%40clinic-a.test") && toAlice.contains("Username: alice@clinic-a.test"))
            #expect(toCarl.contains("Subject: Welcome to your fax account") && toCarl.contains("Hello Carl"))
            #expect(!toCarl.contains("forgot-password") && !toCarl.contains("Carl-pw-123456"))
        }
    }
}
