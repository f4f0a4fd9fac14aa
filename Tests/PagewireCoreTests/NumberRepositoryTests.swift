import Foundation
import PagewireCore
import Testing

@Suite("Numbers and inbound receptions")
struct NumberRepositoryTests {
    @Test func poolToInventoryToUserAndBack() async throws {
        try await TestDatabase.with { test in
            let t = try await SampleTree.make(test.database)
            let numbers = NumberRepository(database: test.database)
            let pool = try await numbers.addToPool(["(206) 555-0150", "+1 206 555 0151", "415-555-0152"], poolAccountID: t.reseller.id,
                                                   region: "WA", scope: t.reseller.scope)
            #expect(pool.map(\.e164) == ["+12065550150", "+12065550151", "+14155550152"])
            #expect(pool.allSatisfy { $0.state == .available } && pool[0].areaCode == "206")
            // The same number twice, or a bad one, adds nothing.
            await #expect(throws: NumberError.alreadyExists("+12065550150")) {
                try await numbers.addToPool(["2065550153", "2065550150"], poolAccountID: t.reseller.id, scope: t.reseller.scope)
            }
            await #expect(throws: NumberError.self) { try await numbers.addToPool(["12"], poolAccountID: t.reseller.id, scope: t.reseller.scope) }
            #expect(try await numbers.available(forCompany: t.company.id, scope: t.company.scope).count == 3)
            #expect(try await numbers.available(forCompany: t.company.id, areaCode: "415", scope: t.company.scope).map(\.e164) == ["+14155550152"])
            // A company under another reseller sees none of this pool; a company admin cannot fill pools.
            #expect(try await numbers.available(forCompany: t.otherCompany.id, scope: t.otherCompany.scope).isEmpty)
            await #expect(throws: NumberError.notFound) { try await numbers.addToPool(["2065550160"], poolAccountID: t.reseller.id, scope: t.company.scope) }

            await #expect(throws: NumberError.inventoryFull(maximum: 1, holding: 0)) {
                try await numbers.take([pool[0].id, pool[1].id], forCompany: t.company.id, maximumInventory: 1, scope: t.company.scope)
            }
            let taken = try await numbers.take([pool[0].id, pool[1].id], forCompany: t.company.id, maximumInventory: 5, scope: t.company.scope)
            #expect(taken.allSatisfy { $0.state == .unassigned && $0.accountID == t.company.id })
            await #expect(throws: NumberError.notFound) { try await numbers.take([pool[2].id], forCompany: t.otherCompany.id, scope: t.otherCompany.scope) }
            await #expect(throws: NumberError.wrongState("+12065550150", .unassigned)) {
                try await numbers.take([pool[0].id], forCompany: t.company.id, scope: t.company.scope)
            }

            let user = try await t.users.create(accountID: t.deptA.id, email: "doc@clinic.example", password: nil, scope: t.company.scope)
            let stranger = try await t.users.create(accountID: t.otherCompany.id, email: "x@other.example", password: nil, scope: t.otherCompany.scope)
            await #expect(throws: NumberError.notFound) { try await numbers.assign(pool[0].id, toUser: stranger.id, scope: t.company.scope) }
            await #expect(throws: NumberError.notFound) { try await numbers.assign(pool[0].id, toUser: user.id, scope: t.otherCompany.scope) }
            try await numbers.assign(pool[0].id, toUser: user.id, scope: t.company.scope)
            try await numbers.assign(pool[1].id, toQueue: "Front desk", scope: t.company.scope)
            #expect(try await numbers.numbers(ofUser: user.id, scope: t.company.scope).map(\.e164) == ["+12065550150"])
            // The department sees the number of its user; the sibling department does not.
            #expect(try await numbers.inventory(of: t.deptA.id, scope: t.company.scope).map(\.e164) == ["+12065550150"])
            #expect(try await numbers.inventory(of: t.deptB.id, scope: t.company.scope).isEmpty)
            #expect(try await numbers.get(pool[0].id, scope: t.deptB.scope) == nil)
            #expect(try await numbers.get(pool[0].id, scope: t.otherCompany.scope) == nil)
            #expect(try await numbers.inventory(of: t.company.id, state: .assigned, scope: t.company.scope).count == 2)

            // Inbound lookups: assigned to an active user, to a queue, locked user, pool, unknown.
            guard case .accept(let numberID, let companyID, let accountID, let userID, nil) = try await numbers.inboundRoute(for: "+12065550150") else {
                Issue.record("an assigned number was not answered"); return
            }
            #expect(numberID == pool[0].id && companyID == t.company.id && accountID == t.deptA.id && userID == user.id)
            #expect(try await numbers.inboundRoute(for: "+12065550151") ==
                .accept(numberID: pool[1].id, companyID: t.company.id, accountID: t.company.id, userID: nil, queueName: "Front desk"))
            #expect(try await numbers.inboundRoute(for: "+14155550152") == .unknown)
            #expect(try await numbers.inboundRoute(for: "+19999999999") == .unknown)
            try await t.users.setStatus(userID: user.id, .locked, scope: t.company.scope)
            #expect(try await numbers.inboundRoute(for: "+12065550150").sipStatus == 480)

            // Deleting a user returns their numbers to the unassigned inventory at company level.
            try await test.database.transaction { c in try NumberRepository.returnNumbers(ofUser: user.id, on: c) }
            let back = try #require(try await numbers.get(pool[0].id, scope: t.company.scope))
            #expect(back.state == .unassigned && back.userID == nil && back.accountID == t.company.id)
            #expect(try await numbers.inboundRoute(for: "+12065550150") == .unknown)
            try await numbers.release(pool[0].id, scope: t.company.scope)
            #expect(try await numbers.available(forCompany: t.company.id, scope: t.company.scope).map(\.e164) == ["+12065550150", "+14155550152"])
        }
    }

    @Test func theCatalogOffersRegionsThenAreaCodesWithTheirCities() async throws {
        try await TestDatabase.with { test in
            let t = try await SampleTree.make(test.database)
            let numbers = NumberRepository(database: test.database)
            try await numbers.addToPool(["2065550101", "2065550102"], poolAccountID: t.reseller.id, region: "WA", city: "Seattle", scope: t.reseller.scope)
            try await numbers.addToPool(["5095550101"], poolAccountID: t.reseller.id, region: "WA", city: "Spokane", scope: t.reseller.scope)
            try await numbers.addToPool(["3125550101"], poolAccountID: t.platform.id, region: "IL", city: "Chicago", scope: t.platform.scope)
            let taken = try await numbers.addToPool(["2065550103"], poolAccountID: t.reseller.id, region: "WA", city: "Seattle", scope: t.reseller.scope)
            try await numbers.take(taken.map(\.id), forCompany: t.company.id, scope: t.company.scope)
            #expect(try await numbers.regions(forCompany: t.company.id, scope: t.company.scope).map { "\($0.region):\($0.available)" } == ["IL:1", "WA:3"])
            #expect(try await numbers.areaCodes(forCompany: t.company.id, region: "WA", scope: t.company.scope) == [
                .init(areaCode: "206", city: "Seattle", available: 2), .init(areaCode: "509", city: "Spokane", available: 1),
            ])
            // The other company's pools are the platform's only; nobody else's company can be asked about.
            #expect(try await numbers.regions(forCompany: t.otherCompany.id, scope: t.otherCompany.scope).map(\.region) == ["IL"])
            await #expect(throws: NumberError.notFound) { try await numbers.regions(forCompany: t.company.id, scope: t.otherCompany.scope) }
        }
    }

    @Test func pendingPortIsUnavailableUntilCompleted() async throws {
        try await TestDatabase.with { test in
            let t = try await SampleTree.make(test.database)
            let numbers = NumberRepository(database: test.database)
            let porting = try await numbers.addPendingPort("(312) 555-0199", accountID: t.company.id, scope: t.company.scope)
            #expect(porting.state == .pendingPort && porting.ported && porting.poolAccountID == t.reseller.id)
            #expect(try await numbers.inboundRoute(for: "+13125550199") == .unavailable(reason: "the number is pending a port"))
            await #expect(throws: NumberError.wrongState("+13125550199", .pendingPort)) {
                try await numbers.assign(porting.id, toQueue: "Main", scope: t.company.scope)
            }
            await #expect(throws: NumberError.notFound) { try await numbers.completePort(porting.id, scope: t.otherCompany.scope) }
            try await numbers.completePort(porting.id, scope: t.company.scope)
            try await numbers.assign(porting.id, toQueue: "Main", scope: t.company.scope)
            #expect(try await numbers.inboundRoute(for: "+13125550199").sipStatus == nil)
        }
    }

    @Test func receptionsEndReceivedPartialOrFailed() async throws {
        try await TestDatabase.with { test in
            let t = try await SampleTree.make(test.database)
            let inbound = InboundFaxes(database: test.database)
            let keyPath = FileManager.default.temporaryDirectory.appendingPathComponent("pw-transit-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: keyPath) }
            let store = DocumentStore(database: test.database, transit: try TransitKeyring.loadOrCreate(path: keyPath))
            let admin = try await t.users.create(accountID: t.company.id, email: "admin@clinic.example", password: "admin-pw", scope: t.company.scope)
            let keyring = CompanyKeyring(database: test.database, kdfParameters: .testing)
            try await keyring.enroll(userID: admin.id, password: "admin-pw")
            _ = try await keyring.createVault(companyID: t.company.id, firstAdminUserID: admin.id, actor: .user(admin.id, label: "admin"))

            let complete = try await inbound.begin(companyID: t.company.id, accountID: t.deptA.id, userID: nil, queueName: "Front desk",
                                                   callerNumber: "+14155550100", calledNumber: "+12065550150", worker: "test")
            let tiff = try await store.put(companyID: t.company.id, accountID: t.deptA.id, kind: .faxTIFF, contentType: "image/tiff", bytes: Array("II*\0pages".utf8))
            #expect(try await inbound.finish(faxID: complete, report: AttemptReport(result: .ok, remoteCSID: "+1 415 555 0100"), pages: 2,
                                             partial: false, document: tiff) == .received)
            let row = try await test.database.query("SELECT state, pages, partial, local_number, remote_number, queue_name FROM faxes WHERE id = ?", complete)[0]
            #expect(try row.get("state", as: String.self) == "received" && row.get("pages", as: Int.self) == 2 && !row.get("partial", as: Bool.self))
            #expect(try row.get("local_number", as: String.self) == "+12065550150" && row.get("queue_name", as: String.self) == "Front desk")
            let kinds = try await test.database.query("SELECT kind FROM work WHERE payload_json LIKE ? ORDER BY kind", "%\"fax_id\":\(complete)%").map { try $0.get("kind", as: String.self) }
            #expect(kinds == [InboundFaxes.deliverKind, WebhookEvent.fanOutKind])
            // A second report for the same call changes nothing.
            #expect(try await inbound.finish(faxID: complete, report: AttemptReport(result: .generalError), pages: 0, partial: false, document: nil) == .received)
            #expect(try await FaxRepository(database: test.database).detail(complete, scope: t.otherCompany.scope) == nil)

            let partial = try await inbound.begin(companyID: t.company.id, accountID: t.company.id, userID: nil, queueName: nil,
                                                  callerNumber: "", calledNumber: "+12065550150", worker: "test")
            let one = try await store.put(companyID: t.company.id, accountID: t.company.id, kind: .faxTIFF, contentType: "image/tiff", bytes: Array("II*\0page".utf8))
            #expect(try await inbound.finish(faxID: partial, report: AttemptReport(result: .transmissionFailed), pages: 1, partial: true, document: one) == .received)
            #expect(try await test.database.query("SELECT partial FROM faxes WHERE id = ?", partial)[0].get("partial", as: Bool.self))

            let failed = try await inbound.begin(companyID: t.company.id, accountID: t.company.id, userID: nil, queueName: nil,
                                                 callerNumber: "+14155550101", calledNumber: "+12065550150", worker: "test")
            #expect(try await inbound.finish(faxID: failed, report: AttemptReport(result: .negotiationFailed, t30Code: 5), pages: 0, partial: false, document: nil) == .failed)
            let failedRow = try await test.database.query("SELECT state, result_code FROM faxes WHERE id = ?", failed)[0]
            #expect(try failedRow.get("result_code", as: String.self) == "negotiation_failed")
            #expect(try await test.database.query("SELECT COUNT(*) AS n FROM work WHERE kind = ? AND payload_json LIKE ?",
                                                  InboundFaxes.deliverKind, "%\"fax_id\":\(failed)}%")[0].get("n", as: Int.self) == 0)

            // A reception whose process died stays open only until recovery closes it.
            let abandoned = try await inbound.begin(companyID: t.company.id, accountID: t.company.id, userID: nil, queueName: nil,
                                                    callerNumber: "+14155550102", calledNumber: "+12065550150", worker: "dead",
                                                    now: Date().addingTimeInterval(-3_600))
            #expect(try await inbound.closeAbandoned(startedBefore: Date().addingTimeInterval(-600)) == 1)
            #expect(try await test.database.query("SELECT state FROM faxes WHERE id = ?", abandoned)[0].get("state", as: String.self) == "failed")
        }
    }
}
