import Foundation
import PagewireCore
import Testing

@Suite("Port requests")
struct PortRequestTests {
    static func details(numbers: [String] = ["(312) 555-0101", "312 555 0102"], btn: String = "same", business: String = "Clinic LLC") -> PortRequestDetails {
        PortRequestDetails(
            contactName: "Dana Porter", contactEmail: "dana@clinic.example", contactPhone: "+1 312 555 0199", numbers: numbers,
            billingTelephoneNumber: btn, businessName: business,
            serviceAddresses: [.init(street: "1 Main St", city: "Chicago", region: "IL", postalCode: "60601")])
    }

    @Test func theFormReportsEveryProblemByField() throws {
        let bad = PortRequestDetails(contactName: " ", contactEmail: "nobody", countryCode: "0x", numbers: ["12", "abc"], billingTelephoneNumber: "5",
                                     businessName: "", serviceAddresses: [.init(street: "1 Main", city: "", region: "", postalCode: "")])
        var problems: [PortRequestError.FieldProblem] = []
        do { _ = try bad.validated() } catch { if case .invalid(let p) = error { problems = p } }
        #expect(Set(problems.map(\.field)) == ["contact_name", "contact_email", "country_code", "numbers", "btn", "business_name", "service_address"])
        let good = try Self.details().validated()
        #expect(good.numbers == ["+13125550101", "+13125550102"] && good.billingTelephoneNumber == "+13125550101")
        #expect(try Self.details(numbers: ["3125550101, 3125550101\n3125550103"]).validated().numbers == ["+13125550101", "+13125550103"])
    }

    @Test func fromRequestToCompletionWithARejectionInBetween() async throws {
        try await TestDatabase.with { test in
            let t = try await SampleTree.make(test.database)
            let ports = PortRequestRepository(database: test.database)
            let numbers = NumberRepository(database: test.database)
            let customer = PortRequestRepository.Actor(userID: nil, name: "Dana Porter")
            let staff = PortRequestRepository.Actor(userID: nil, name: "Porting team")
            let user = try await t.users.create(accountID: t.deptA.id, email: "doc@clinic.example", password: nil, scope: t.company.scope)
            var details = Self.details()
            details.assignToUserID = user.id

            let request = try await ports.create(details, accountID: t.company.id, by: customer, scope: t.company.scope)
            #expect(request.state == .new && request.trackingID.hasPrefix("PRT-") && request.details.numbers.count == 2)
            // Pending numbers sit in the inventory and answer no call; nobody can take them twice.
            #expect(try await numbers.inventory(of: t.company.id, state: .pendingPort, scope: t.company.scope).count == 2)
            #expect(try await numbers.inboundRoute(for: "+13125550101").sipStatus == 480)
            await #expect(throws: PortRequestError.numberTaken("+13125550102")) {
                try await ports.create(Self.details(numbers: ["3125550102"]), accountID: t.otherCompany.id, by: customer, scope: t.otherCompany.scope)
            }
            // Other tenants see nothing; a customer cannot act as the porting team.
            #expect(try await ports.get(request.id, scope: t.otherCompany.scope) == nil)
            #expect(try await ports.list(scope: t.otherCompany.scope).isEmpty)
            await #expect(throws: PortRequestError.staffOnly) { try await ports.startProgress(request.id, by: customer, scope: t.company.scope) }

            // Submission needs a CSR and a signed LOA matching the request.
            await #expect(throws: PortRequestError.incomplete([
                "upload the customer service record (CSR) from your current carrier", "sign the letter of authorization",
            ])) { try await ports.submit(request.id, by: customer, scope: t.company.scope) }
            try await ports.attach(9001, kind: .csr, fileName: "csr.pdf", to: request.id, by: customer, scope: t.company.scope)
            let loa = LetterOfAuthorization(trackingID: request.trackingID, details: request.details, gainingProvider: "FaxResell")
            let signature = LetterOfAuthorization.Signature(name: "Dana Porter", title: "Office manager", date: "2026-12-01", ip: "192.0.2.7", at: Date())
            await #expect(throws: PortRequestError.self) {
                try await ports.sign(request.id, signature: signature, termsDigest: String(repeating: "0", count: 64), signedDocumentID: 9002,
                                     by: customer, scope: t.company.scope)
            }
            try await ports.sign(request.id, signature: signature, termsDigest: loa.termsDigest, signedDocumentID: 9002, by: customer, scope: t.company.scope)
            #expect(try await ports.latestSignature(of: request.id, scope: t.company.scope)?.signature.name == "Dana Porter")
            #expect(loa.sections(signature: signature).contains { $0.heading == "Electronic signature" && $0.lines.contains("Signed by: Dana Porter") })
            try await ports.submit(request.id, by: customer, scope: t.company.scope)
            #expect(try await ports.get(request.id, scope: t.company.scope)?.state == .pending)

            // The reseller's porting team rejects it: the business name does not match the carrier's records.
            try await ports.startProgress(request.id, by: staff, scope: t.reseller.scope)
            try await ports.reject(request.id, reason: "Business name does not match the CSR (Clinic, L.L.C.)", by: staff, scope: t.reseller.scope)
            let rejected = try #require(try await ports.get(request.id, scope: t.company.scope))
            #expect(rejected.state == .rejected && rejected.rejectionReason?.contains("CSR") == true)
            // Correcting the name voids the signature until the customer signs again.
            var corrected = rejected.details
            corrected.businessName = "Clinic, L.L.C."
            let edited = try await ports.update(request.id, details: corrected, by: customer, scope: t.company.scope)
            #expect(try await ports.missingForSubmission(request.id, scope: t.company.scope) == [
                "sign the letter of authorization again: the BTN, business name, service address or numbers changed since it was signed",
            ])
            let newLOA = LetterOfAuthorization(trackingID: edited.trackingID, details: edited.details, gainingProvider: "FaxResell")
            try await ports.sign(request.id, signature: signature, termsDigest: newLOA.termsDigest, signedDocumentID: 9003, by: customer, scope: t.company.scope)
            try await ports.submit(request.id, by: customer, scope: t.company.scope)

            try await ports.startProgress(request.id, by: staff, scope: t.reseller.scope)
            await #expect(throws: PortRequestError.wrongState(.inProgress, "be edited")) {
                try await ports.update(request.id, details: corrected, by: customer, scope: t.company.scope)
            }
            await #expect(throws: PortRequestError.self) { try await ports.schedule(request.id, focDate: "2026-02-30", by: staff, scope: t.reseller.scope) }
            try await ports.schedule(request.id, focDate: "2026-12-15", by: staff, scope: t.reseller.scope)
            #expect(try await ports.get(request.id, scope: t.company.scope)?.focDate == "2026-12-15")
            try await ports.addNote("The carrier moved the date by a day if needed.", to: request.id, by: staff, staff: true, scope: t.reseller.scope)
            try await ports.addNote("Thanks!", to: request.id, by: customer, staff: false, scope: t.company.scope)
            await #expect(throws: PortRequestError.staffOnly) {
                try await ports.addNote("I am staff", to: request.id, by: customer, staff: true, scope: t.company.scope)
            }
            try await ports.complete(request.id, by: staff, scope: t.reseller.scope)

            let done = try #require(try await ports.get(request.id, scope: t.company.scope))
            #expect(done.state == .completed && done.completedAt != nil)
            let ported = try await numbers.numbers(ofUser: user.id, scope: t.company.scope)
            #expect(ported.map(\.e164) == ["+13125550101", "+13125550102"] && ported.allSatisfy { $0.ported && $0.state == .assigned })
            #expect(try await numbers.inboundRoute(for: "+13125550101").sipStatus == nil)
            await #expect(throws: PortRequestError.wrongState(.completed, "be cancelled")) { try await ports.cancel(request.id, by: customer, scope: t.company.scope) }

            let events = try await test.database.query("SELECT payload_json FROM work WHERE kind = ? ORDER BY id", PortNotice.workKind)
                .map { try $0.get("payload_json", as: String.self) }
            #expect(events.map { $0.split(separator: "\"").dropLast().last.map(String.init) ?? "" } ==
                ["submitted", "in_progress", "rejected", "submitted", "in_progress", "scheduled", "note", "completed"])
            let notes = try await ports.notes(of: request.id, scope: t.company.scope)
            #expect(notes.contains { $0.body == "Thanks!" && !$0.staff } && notes.contains { $0.staff && !$0.automatic })
        }
    }

    @Test func cancellingGivesTheNumbersBack() async throws {
        try await TestDatabase.with { test in
            let t = try await SampleTree.make(test.database)
            let ports = PortRequestRepository(database: test.database)
            let actor = PortRequestRepository.Actor(userID: nil, name: "Dana")
            let request = try await ports.create(Self.details(), accountID: t.deptA.id, by: actor, scope: t.company.scope)
            let changed = try await ports.update(request.id, details: Self.details(numbers: ["3125550101", "3125550109"]), by: actor, scope: t.company.scope)
            #expect(changed.details.numbers == ["+13125550101", "+13125550109"])
            #expect(try await NumberRepository(database: test.database).inboundRoute(for: "+13125550102") == .unknown)
            try await ports.cancel(request.id, by: actor, scope: t.company.scope)
            #expect(try await NumberRepository(database: test.database).inventory(of: t.company.id, scope: t.company.scope).isEmpty)
            // Freed numbers can be requested again.
            _ = try await ports.create(Self.details(), accountID: t.company.id, by: actor, scope: t.company.scope)
        }
    }
}

