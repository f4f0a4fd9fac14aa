import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PagewireCore
import Synchronization
import Testing
@testable import Web

/// A real HTTP receiver on a loopback port the kernel picks: records every request; answers the
/// first one 503 (so the sender must retry), the others 204.
final class WebhookReceiver: Sendable {
    struct Hit: Sendable {
        let headers: HTTPFields
        let body: [UInt8]
    }
    private let hits = Mutex<[Hit]>([])
    private let port = Mutex<Int?>(nil)
    private let task = Mutex<Task<Void, any Error>?>(nil)

    func start() async throws -> Int {
        let router = Router()
        router.post("hook") { [self] request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let n = hits.withLock { $0.append(Hit(headers: request.headers, body: Array(buffer: body))); return $0.count }
            return Response(status: n == 1 ? .serviceUnavailable : .noContent)
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { [self] channel in port.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        task.withLock { $0 = Task { try await app.runService(gracefulShutdownSignals: []) } }
        for _ in 0..<100 {
            if let p = port.withLock({ $0 }) { return p }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CancellationError()
    }

    func stop() { task.withLock { $0?.cancel() } }

    var received: [Hit] { hits.withLock { $0 } }

    /// Waits until `count` requests arrived (or gives up after a generous while).
    func waitFor(_ count: Int) async throws -> [Hit] {
        for _ in 0..<450 {
            let now = received
            if now.count >= count { return now }
            try await Task.sleep(for: .milliseconds(200))
        }
        return received
    }
}

@Suite("Webhooks")
struct WebhookTests {
    @Test func signedEventsAreRetriedLoggedAndRedelivered() async throws {
        try await APIFixture.with(allowPrivateWebhooks: true) { f, client in
            // setup: a receiver, an endpoint of company A, and the real pagewire-jobs
            let receiver = WebhookReceiver()
            let port = try await receiver.start()
            defer { receiver.stop() }
            let created = try await client.call(.post, "/v1/webhooks", token: f.adminAToken,
                json: "{\"url\":\"http://127.0.0.1:\(port)/hook\",\"events\":[\"fax.queued\",\"fax.delivered\",\"fax.failed\"]}")
            #expect(created.status == .created)
            let endpointID = try #require(created.object["id"] as? Int)
            let secret = try #require(created.object["secret"] as? String)
            #expect(secret.hasPrefix("whsec_"))
            #expect((try await client.call(.get, "/v1/webhooks", token: f.adminAToken).object["data"] as? [[String: Any]])?.first?["secret"] == nil)
            // the secret is sealed at rest: no clear copy, and the sealed bytes do not hold it
            let row = try #require(try await f.database.query("SELECT secret, sealed_secret, secret_key_id FROM webhook_endpoints WHERE id = ?", endpointID).first)
            #expect(try row.optional("secret", as: String.self) == nil)
            let sealed = try #require(try row.optional("sealed_secret", as: [UInt8].self))
            #expect(!String(decoding: sealed, as: UTF8.self).contains(String(secret.dropFirst(6))))
            #expect(try row.optional("secret_key_id", as: String.self) == f.vault.documents.transit.currentKeyID)
            let temporary = NSTemporaryDirectory() + "pw-jobs-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            let jobs = try f.startJobs(directory: temporary)
            defer { jobs.kill(signal: SIGTERM) }
            // act: a fax is rendered (fax.queued), then delivered (fax.delivered)
            let letter = Data("Results attached.\n".utf8).base64EncodedString()
            let id = try #require(FaxesAPITests.ids(try await client.call(.post, "/v1/faxes", token: f.aliceToken,
                json: "{\"recipients\":[\"+12065550100\"],\"files\":[{\"filename\":\"r.txt\",\"content_base64\":\"\(letter)\"}]}")).first)
            // the first request is answered 503, so fax.queued arrives twice (retry with back-off)
            let queued = try await receiver.waitFor(2)
            #expect(queued.count == 2)
            let scheduler = FaxScheduler(database: f.database)
            guard case .proceed(let attempt, _) = try await scheduler.beginAttempt(faxID: id, worker: "test") else { Issue.record("no attempt"); return }
            try await scheduler.reportAttempt(faxID: id, attempt: attempt, report: AttemptReport(result: .ok, pagesSent: 1, remoteCSID: "REMOTE"))
            let all = try await receiver.waitFor(3)
            // check: every request is signed over its raw body, and a tampered body fails verification
            #expect(all.count == 3)
            for hit in all {
                let signature = try #require(hit.headers[HTTPFields.Element.Name("Pagewire-Signature")!])
                #expect(WebhookSignature.verify(header: signature, secret: secret, body: hit.body))
                #expect(!WebhookSignature.verify(header: signature, secret: secret, body: hit.body + [0x20]))
                #expect(!WebhookSignature.verify(header: signature, secret: "whsec_wrong", body: hit.body))
                #expect(hit.headers[.contentType] == "application/json")
            }
            let bodies = all.map { (try? JSONSerialization.jsonObject(with: Data($0.body))) as? [String: Any] ?? [:] }
            #expect(bodies.map { $0["type"] as? String } == ["fax.queued", "fax.queued", "fax.delivered"])
            let delivered = (bodies[2]["data"] as? [String: Any])?["fax"] as? [String: Any]
            #expect(delivered?["id"] as? Int == Int(id) && delivered?["status"] as? String == "delivered" && delivered?["result_code"] as? String == "ok")
            let eventHeader = HTTPFields.Element.Name("Pagewire-Delivery")!
            #expect(all[0].headers[eventHeader] == all[1].headers[eventHeader])
            // the delivery log shows the retry
            let log = (try await client.call(.get, "/v1/webhooks/\(endpointID)/deliveries", token: f.adminAToken).object["data"] as? [[String: Any]]) ?? []
            let queuedEntry = try #require(log.first { $0["event"] as? String == "fax.queued" })
            #expect(queuedEntry["status"] as? String == "delivered" && queuedEntry["attempts"] as? Int == 2 && queuedEntry["last_status_code"] as? Int == 204)
            #expect(log.contains { $0["event"] as? String == "fax.delivered" && $0["status"] as? String == "delivered" && $0["attempts"] as? Int == 1 })
            // another tenant cannot read the log or redeliver; the owner can redeliver, same delivery id
            let deliveryID = try #require(queuedEntry["id"] as? Int)
            #expect(try await client.call(.get, "/v1/webhooks/\(endpointID)/deliveries", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.post, "/v1/webhook-deliveries/\(deliveryID)/redeliver", token: f.bobToken).status == .notFound)
            #expect(try await client.call(.post, "/v1/webhooks", token: f.aliceToken, json: "{\"url\":\"http://127.0.0.1:\(port)/x\",\"events\":[\"fax.queued\"]}").status == .forbidden)
            #expect(try await client.call(.post, "/v1/webhook-deliveries/\(deliveryID)/redeliver", token: f.adminAToken).status == .accepted)
            let again = try await receiver.waitFor(4)
            #expect(again.count == 4)
            #expect(again.last?.headers[eventHeader] == String(deliveryID))
            #expect(again.last?.body == all[0].body)
        }
    }

    @Test func secretsStoredInClearAreSealedAndStillSign() async throws {
        try await APIFixture.with { f, _ in
            // setup: two endpoints as written before migration 0080 (clear secrets), with a delivery each
            let now = Date()
            var endpoints: [Int64] = []
            var deliveries: [Int64] = []
            for (n, secret) in ["whsec_legacyOne", "whsec_legacyTwo"].enumerated() {
                let endpoint = Int64(try await f.database.execute(
                    "INSERT INTO webhook_endpoints (company_id, url, events, secret, created_at) VALUES (?, 'https://93.184.216.34/hook', 'fax.delivered', ?, ?)",
                    f.companyA.id, secret, now).lastInsertID)
                endpoints.append(endpoint)
                deliveries.append(Int64(try await f.database.execute(
                    "INSERT INTO webhook_deliveries (endpoint_id, company_id, fax_id, event, payload_json, created_at) VALUES (?, ?, ?, 'fax.delivered', '{}', ?)",
                    endpoint, f.companyA.id, 1000 + n, now).lastInsertID))
            }
            let webhooks = WebhookRepository(database: f.database, transit: f.vault.documents.transit)
            #expect(try await webhooks.dispatch(deliveries[0])?.secret == "whsec_legacyOne")  // a row not converted yet still signs
            // act
            let converted = try await webhooks.sealClearSecrets()
            // check: no clear copy left; each secret opens again, and signs a body that verifies
            #expect(converted == 2)
            #expect(try await webhooks.sealClearSecrets() == 0)
            let rows = try await f.database.query("SELECT secret, sealed_secret, secret_key_id FROM webhook_endpoints ORDER BY id")
            for row in rows {
                #expect(try row.optional("secret", as: String.self) == nil)
                #expect(!String(decoding: try row.get("sealed_secret", as: [UInt8].self), as: UTF8.self).contains("legacy"))
            }
            let dispatch = try #require(try await webhooks.dispatch(deliveries[1]))
            #expect(dispatch.secret == "whsec_legacyTwo")
            let body = Array("{\"type\":\"fax.delivered\"}".utf8)
            let header = WebhookSignature.header(secret: dispatch.secret, timestamp: Int(now.timeIntervalSince1970), body: body)
            #expect(WebhookSignature.verify(header: header, secret: "whsec_legacyTwo", body: body, now: now))
            // the key that sealed them is kept through transit key retirement
            #expect(try await f.vault.documents.transitKeyIDsInUse().contains(f.vault.documents.transit.currentKeyID))
            // a sealed secret copied onto another endpoint does not open there
            try await f.database.execute(
                "UPDATE webhook_endpoints SET sealed_secret = (SELECT s FROM (SELECT sealed_secret AS s FROM webhook_endpoints WHERE id = ?) t) WHERE id = ?",
                endpoints[0], endpoints[1])
            await #expect(throws: VaultError.self) { _ = try await webhooks.dispatch(deliveries[1]) }
        }
    }

    @Test func loopbackAndPrivateTargetsAreRefusedUnlessAllowed() async throws {
        for address in ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1"] {
            #expect(WebhookTargetPolicy.isPrivate(address), "\(address)")
        }
        for address in ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"] {
            #expect(!WebhookTargetPolicy.isPrivate(address), "\(address)")
        }
        for url in ["http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/hook", "http://10.0.0.5/"] {
            await #expect(throws: WebhookTargetError.self) { _ = try await WebhookTargetPolicy.check(url, allowPrivate: false) }
            _ = try await WebhookTargetPolicy.check(url, allowPrivate: true)
        }
        for url in ["ftp://93.184.216.34/", "http://user:pw@93.184.216.34/", "not a url"] {
            await #expect(throws: WebhookTargetError.self) { _ = try await WebhookTargetPolicy.check(url, allowPrivate: true) }
        }
        let target = try await WebhookTargetPolicy.check("https://93.184.216.34/hook", allowPrivate: false)
        #expect(target.host == "93.184.216.34" && target.port == 443 && target.address == "93.184.216.34")
        // the API refuses a loopback endpoint when the operator does not allow private targets
        try await APIFixture.with { f, client in
            let refused = try await client.call(.post, "/v1/webhooks", token: f.adminAToken, json: #"{"url":"http://localhost:9/hook","events":["fax.failed"]}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(try await f.count("webhook_endpoints") == 0)
        }
    }
}
