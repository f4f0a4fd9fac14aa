import Foundation
import PagewireCore
import Testing

@Suite("Vault retention")
struct VaultRetentionTests {
    static let day: TimeInterval = 86_400

    @Test func limitsAndChoices() async throws {
        try await VaultFixture.with { f in
            let (company, admin, _) = try await f.company("Acme")
            let actor = AuditActor.user(admin, label: "admin")
            #expect(try await f.vault.retention.policy(companyID: company.id) == .platformDefault)
            try await f.vault.retention.setLimits(companyID: company.id, minDays: 2, maxDays: 8, actor: .system("platform"))
            #expect(try await f.vault.retention.policy(companyID: company.id).effectiveDays == 8)
            await #expect(throws: VaultError.retentionOutOfRange(days: 9, minDays: 2, maxDays: 8)) {
                try await f.vault.retention.choose(companyID: company.id, days: 9, actor: actor)
            }
            await #expect(throws: VaultError.invalidRetentionLimits(minDays: 5, maxDays: 4)) {
                try await f.vault.retention.setLimits(companyID: company.id, minDays: 5, maxDays: 4, actor: .system("platform"))
            }
            try await f.vault.retention.choose(companyID: company.id, days: 3, actor: actor)
            #expect(try await f.vault.retention.policy(companyID: company.id).effectiveDays == 3)
            // The platform narrows the limits after the choice: the choice is clamped.
            try await f.vault.retention.setLimits(companyID: company.id, minDays: 4, maxDays: 6, actor: .system("platform"))
            #expect(try await f.vault.retention.policy(companyID: company.id).effectiveDays == 4)
            try await f.vault.retention.choose(companyID: company.id, days: nil, actor: actor)
            #expect(try await f.vault.retention.policy(companyID: company.id).effectiveDays == 6)
            #expect(try await f.vault.audit.entries(scopePath: company.path, filter: AuditFilter(actions: [.retentionChange])).count == 4)
        }
    }

    @Test func purgeRemovesExactlyTheExpiredDocumentsOfEachCompany() async throws {
        try await VaultFixture.with { f in
            // setup: three companies with different settings
            let (chose5, admin5, _) = try await f.company("Chose five")           // limits 1...30, picked 5
            let (maximum10, _, _) = try await f.company("Maximum ten")            // limits 2...10, picked nothing, metadata 30
            let (defaults, _, _) = try await f.company("Platform defaults")       // no row: 1...30, metadata 90
            try await f.vault.retention.setLimits(companyID: chose5.id, minDays: 1, maxDays: 30, actor: .system("platform"))
            try await f.vault.retention.choose(companyID: chose5.id, days: 5, actor: .user(admin5, label: "a"))
            try await f.vault.retention.setLimits(companyID: maximum10.id, minDays: 2, maxDays: 10, metadataDays: 30, actor: .system("platform"))
            let start = VaultFixture.now
            var docs: [Int64: [Int: Int64]] = [:]   // company → age at start (days) → document
            for company in [chose5, maximum10, defaults] {
                for age in [3, 7, 12, 40] {
                    let doc = try await f.vault.documents.put(
                        companyID: company.id, accountID: company.id, kind: .original, contentType: "application/pdf",
                        bytes: VaultFixture.samplePDF(size: DocumentStore.chunkSize + 10), now: start.addingTimeInterval(-Double(age) * Self.day))
                    docs[company.id, default: [:]][age] = doc.id
                }
            }
            let purge = f.vault.retentionPurge()
            func state(_ company: VaultFixture.Account, _ age: Int) async throws -> String {
                try await Self.state(of: docs[company.id]![age]!, in: company.id, store: f.vault.documents)
            }

            // act: purge at the start
            let first = try await purge.run(now: start)
            // check
            #expect(first.documentsExpired == 3 + 2 + 1)
            #expect(first.documentsRemoved == 1)   // maximum10's 40-day-old document is past its 30 metadata days
            for (company, expected) in [
                (chose5, ["kept", "expired", "expired", "expired"]),
                (maximum10, ["kept", "kept", "expired", "removed"]),
                (defaults, ["kept", "kept", "kept", "expired"]),
            ] {
                var seen: [String] = []
                for age in [3, 7, 12, 40] { seen.append(try await state(company, age)) }
                #expect(seen == expected, "company \(company.id)")
            }
            let chunks = try await f.database.query(
                "SELECT COUNT(*) AS n FROM document_chunks c JOIN documents d ON d.id = c.document_id WHERE d.state = 'expired'")
            #expect(try chunks[0].get("n", as: Int.self) == 0)

            // act: the clock moves on 60 days
            let later = try await purge.run(now: start.addingTimeInterval(60 * Self.day))
            // check: everything expired; metadata past 90 days (defaults) or 30 days (maximum10) removed
            #expect(later.documentsExpired == 1 + 2 + 3)
            for (company, expected) in [
                (chose5, ["expired", "expired", "expired", "removed"]),
                (maximum10, ["removed", "removed", "removed", "removed"]),
                (defaults, ["expired", "expired", "expired", "removed"]),
            ] {
                var seen: [String] = []
                for age in [3, 7, 12, 40] { seen.append(try await state(company, age)) }
                #expect(seen == expected, "company \(company.id)")
            }
            #expect(try await purge.run(now: start.addingTimeInterval(60 * Self.day)) == RetentionReport())
        }
    }

    static func state(of documentID: Int64, in companyID: Int64, store: DocumentStore) async throws -> String {
        do {
            _ = try await store.read(documentID, companyID: companyID, reader: .system(purpose: "check"))
            return "kept"
        } catch VaultError.documentExpired {
            return "expired"
        } catch VaultError.documentNotFound {
            return "removed"
        }
    }

    @Test func metadataPurgesRunForTheCompanySubtree() async throws {
        try await VaultFixture.with { f in
            let (company, _, _) = try await f.company("Acme")
            try await f.vault.retention.setLimits(companyID: company.id, minDays: 1, maxDays: 10, metadataDays: 20, actor: .system("platform"))
            let calls = CallLog()
            let purge = f.vault.retentionPurge(metadataPurges: [{ _, path, olderThan, _ in
                calls.append(path, olderThan)
                return 0
            }])
            _ = try await purge.run(now: VaultFixture.now)
            #expect(calls.entries.contains { $0.0 == company.path && $0.1 == VaultFixture.now.addingTimeInterval(-20 * Self.day) })
        }
    }
}

final class CallLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [(String, Date)] = []
    func append(_ path: String, _ date: Date) { lock.withLock { stored.append((path, date)) } }
    var entries: [(String, Date)] { lock.withLock { stored } }
}
