import Foundation
import PagewireCore
import Testing

@Suite("Vault document store")
struct VaultDocumentStoreTests {
    @Test func roundTripsSmallEmptyAndMultiChunkDocuments() async throws {
        try await VaultFixture.with { f in
            // setup
            let (company, admin, _) = try await f.company("Acme")
            let key = try await f.unlock(companyID: company.id, userID: admin, password: "admin-pw")
            let reader = DocumentReader.user(key, actor: .user(admin, label: "admin"))
            let samples: [[UInt8]] = [
                [], Array("hello".utf8), VaultFixture.samplePDF(size: DocumentStore.chunkSize - 7),
                [UInt8](repeating: 7, count: DocumentStore.chunkSize), VaultFixture.samplePDF(size: 2 * DocumentStore.chunkSize + 12_345),
            ]
            for bytes in samples {
                // act
                let stored = try await f.vault.documents.put(
                    companyID: company.id, accountID: company.id, kind: .original, contentType: "application/pdf", bytes: bytes)
                let read = try await f.vault.documents.read(stored.id, companyID: company.id, reader: reader)
                let system = try await f.vault.documents.read(stored.id, companyID: company.id, reader: .system(purpose: "render"))
                // check
                #expect(read == bytes)
                #expect(system == bytes)
                #expect(stored.byteCount == bytes.count)
                #expect(stored.chunkCount == max(1, (bytes.count + DocumentStore.chunkSize - 1) / DocumentStore.chunkSize))
            }
        }
    }

    @Test func streamsInAndOutInPiecesOfAnySize() async throws {
        try await VaultFixture.with { f in
            // setup
            let (company, admin, _) = try await f.company("Acme")
            let key = try await f.unlock(companyID: company.id, userID: admin, password: "admin-pw")
            let bytes = VaultFixture.samplePDF(size: 3 * DocumentStore.chunkSize + 99)
            let pieces = stride(from: 0, to: bytes.count, by: 300_001).map { Array(bytes[$0..<min($0 + 300_001, bytes.count)]) }
            // act
            let stored = try await f.vault.documents.put(
                companyID: company.id, accountID: company.id, kind: .faxTIFF, contentType: "image/tiff",
                content: AsyncStream { continuation in
                    for p in pieces { continuation.yield(p) }
                    continuation.finish()
                })
            var chunks: [[UInt8]] = []
            for try await chunk in try await f.vault.documents.open(
                stored.id, companyID: company.id, reader: .user(key, actor: .user(admin, label: "admin"), action: .documentDownload))
            {
                chunks.append(chunk)
            }
            // check
            #expect(chunks.count == 4)
            #expect(chunks.flatMap { $0 } == bytes)
            #expect(try await f.vault.documents.info(stored.id, companyID: company.id).kind == .faxTIFF)
        }
    }

    @Test func aFlippedByteSwappedOrDroppedChunkIsAnError() async throws {
        try await VaultFixture.with { f in
            // setup
            let (company, admin, _) = try await f.company("Acme")
            let key = try await f.unlock(companyID: company.id, userID: admin, password: "admin-pw")
            let reader = DocumentReader.user(key, actor: .user(admin, label: "admin"))
            let store = f.vault.documents
            func fresh() async throws -> StoredDocument {
                try await store.put(
                    companyID: company.id, accountID: company.id, kind: .original, contentType: "application/pdf",
                    bytes: VaultFixture.samplePDF(size: 2 * DocumentStore.chunkSize + 500))
            }
            func chunk(_ id: Int64, _ n: Int) async throws -> [UInt8] {
                try #require(try await f.database.query(
                    "SELECT bytes FROM document_chunks WHERE document_id = ? AND n = ?", id, n).first).get("bytes")
            }
            func setChunk(_ id: Int64, _ n: Int, _ bytes: [UInt8]) async throws {
                try await f.database.execute("UPDATE document_chunks SET bytes = ? WHERE document_id = ? AND n = ?", bytes, id, n)
            }
            func expectTampered(_ id: Int64, _ comment: Comment) async {
                await Self.expectTampered(store: store, documentID: id, companyID: company.id, reader: reader, comment)
            }

            // act + check: one flipped bit in the middle chunk
            let flipped = try await fresh()
            var middle = try await chunk(flipped.id, 1)
            middle[middle.count / 2] ^= 0x01
            try await setChunk(flipped.id, 1, middle)
            await expectTampered(flipped.id, "flipped byte")

            // chunks 0 and 1 swapped
            let swapped = try await fresh()
            let c0 = try await chunk(swapped.id, 0), c1 = try await chunk(swapped.id, 1)
            try await setChunk(swapped.id, 0, c1)
            try await setChunk(swapped.id, 1, c0)
            await expectTampered(swapped.id, "swapped chunks")

            // a chunk copied from another document of the same company
            let other = try await fresh(), victim = try await fresh()
            try await setChunk(victim.id, 0, try await chunk(other.id, 0))
            await expectTampered(victim.id, "chunk from another document")

            // the last chunk dropped
            let dropped = try await fresh()
            try await f.database.execute("DELETE FROM document_chunks WHERE document_id = ? AND n = 2", dropped.id)
            await expectTampered(dropped.id, "dropped last chunk")

            // the last chunk dropped and the count lowered to match
            let truncated = try await fresh()
            try await f.database.execute("DELETE FROM document_chunks WHERE document_id = ? AND n = 2", truncated.id)
            try await f.database.execute("UPDATE documents SET chunk_count = 2, byte_count = ? WHERE id = ?", 2 * DocumentStore.chunkSize, truncated.id)
            await expectTampered(truncated.id, "truncated with matching count")

            // an untouched document still reads
            #expect(try await store.read(other.id, companyID: company.id, reader: reader).count == other.byteCount)
        }
    }

    static func expectTampered(store: DocumentStore, documentID: Int64, companyID: Int64, reader: DocumentReader, _ comment: Comment) async {
        do {
            _ = try await store.read(documentID, companyID: companyID, reader: reader)
            Issue.record("\(comment): the document read without an error")
        } catch VaultError.tampered {
            // expected
        } catch {
            Issue.record("\(comment): expected .tampered, got \(error)")
        }
    }

    @Test func anotherTenantsDocumentIsNotFoundAndItsKeyOpensNothing() async throws {
        try await VaultFixture.with { f in
            // setup
            let (acme, acmeAdmin, _) = try await f.company("Acme")
            let (globex, globexAdmin, _) = try await f.company("Globex")
            let acmeKey = try await f.unlock(companyID: acme.id, userID: acmeAdmin, password: "admin-pw")
            let globexKey = try await f.unlock(companyID: globex.id, userID: globexAdmin, password: "admin-pw")
            let doc = try await f.vault.documents.put(
                companyID: acme.id, accountID: acme.id, kind: .original, contentType: "application/pdf", bytes: Array("secret".utf8))
            // act + check
            await #expect(throws: VaultError.documentNotFound(documentID: doc.id)) {
                _ = try await f.vault.documents.read(doc.id, companyID: globex.id, reader: .user(globexKey, actor: .user(globexAdmin, label: "g")))
            }
            await #expect(throws: VaultError.self) {
                _ = try await f.vault.documents.read(doc.id, companyID: acme.id, reader: .user(globexKey, actor: .user(globexAdmin, label: "g")))
            }
            await #expect(throws: VaultError.documentNotFound(documentID: doc.id)) {
                try await f.vault.documents.delete(doc.id, companyID: globex.id, actor: .user(globexAdmin, label: "g"))
            }
            #expect(try await f.vault.documents.read(doc.id, companyID: acme.id, reader: .user(acmeKey, actor: .user(acmeAdmin, label: "a"))) == Array("secret".utf8))
            // A document cannot be filed under another company's account.
            await #expect(throws: VaultError.accountOutsideCompany(accountID: globex.id, companyID: acme.id)) {
                _ = try await f.vault.documents.put(companyID: acme.id, accountID: globex.id, kind: .original, contentType: "application/pdf", bytes: [1])
            }
        }
    }

    @Test func transitCopyIsDeletedAtTheFinalStateInPrivateMode() async throws {
        try await VaultFixture.with { f in
            // setup
            let (company, admin, _) = try await f.company("Acme")
            let key = try await f.unlock(companyID: company.id, userID: admin, password: "admin-pw")
            let store = f.vault.documents
            let original = try await store.put(companyID: company.id, accountID: company.id, kind: .original, contentType: "application/pdf", bytes: Array("page one".utf8))
            let tiff = try await store.put(companyID: company.id, accountID: company.id, kind: .faxTIFF, contentType: "image/tiff", bytes: Array("tiff".utf8))
            #expect(try await store.read(tiff.id, companyID: company.id, reader: .system(purpose: "send")) == Array("tiff".utf8))
            // act: the fax was delivered
            let released = try await store.releaseTransitAccess(companyID: company.id, documentIDs: [original.id, tiff.id])
            // check
            #expect(released == 2)
            let left = try await f.database.query(
                "SELECT COUNT(*) AS n FROM documents WHERE company_id = ? AND transit_wrapped_key IS NOT NULL", company.id)
            #expect(try left[0].get("n", as: Int.self) == 0)
            await #expect(throws: VaultError.self) { _ = try await store.read(tiff.id, companyID: company.id, reader: .system(purpose: "send")) }
            #expect(try await store.read(tiff.id, companyID: company.id, reader: .user(key, actor: .user(admin, label: "a"))) == Array("tiff".utf8))
            // Releasing with another company's id touches nothing.
            let (other, _, _) = try await f.company("Globex")
            let otherDoc = try await store.put(companyID: other.id, accountID: other.id, kind: .original, contentType: "application/pdf", bytes: [1])
            #expect(try await store.releaseTransitAccess(companyID: company.id, documentIDs: [otherDoc.id]) == 0)
            #expect(try await store.read(otherDoc.id, companyID: other.id, reader: .system(purpose: "send")) == [1])
        }
    }

    @Test func managedModeKeepsTheTransitCopyAndAuditsEverySystemDecryption() async throws {
        try await VaultFixture.with { f in
            // setup
            let (company, admin, _) = try await f.company("Acme")
            let key = try await f.unlock(companyID: company.id, userID: admin, password: "admin-pw")
            let store = f.vault.documents
            let actor = AuditActor.user(admin, label: "admin", ip: "192.0.2.1")
            let old = try await store.put(companyID: company.id, accountID: company.id, kind: .deliveryPDF, contentType: "application/pdf", bytes: Array("old".utf8))
            try await store.releaseTransitAccess(companyID: company.id, documentIDs: [old.id])
            // act: switch to managed mode; existing documents get a transit copy back
            try await store.setMode(.managed, companyID: company.id, using: key, actor: actor)
            let new = try await store.put(companyID: company.id, accountID: company.id, kind: .deliveryPDF, contentType: "application/pdf", bytes: Array("new".utf8))
            try await store.releaseTransitAccess(companyID: company.id, documentIDs: [new.id])
            // check
            #expect(try await store.mode(companyID: company.id) == .managed)
            #expect(try await store.read(old.id, companyID: company.id, reader: .system(purpose: "api download")) == Array("old".utf8))
            #expect(try await store.read(new.id, companyID: company.id, reader: .system(purpose: "api download")) == Array("new".utf8))
            let audited = try await f.vault.audit.entries(scopePath: company.path, filter: AuditFilter(actions: [.documentSystemDecrypt]))
            #expect(audited.count == 2)
            #expect(Set(audited.map(\.targetID)) == [String(old.id), String(new.id)])
            #expect(audited.allSatisfy { $0.actor.kind == .system && $0.detail.contains("api download") })
            // Managed mode needs a key holder to switch on.
            await #expect(throws: VaultError.self) { try await store.setMode(.managed, companyID: company.id, using: nil, actor: actor) }
            // act: back to private mode; copies of finished documents go
            try await store.setMode(.private, companyID: company.id, using: nil, actor: actor)
            await #expect(throws: VaultError.self) { _ = try await store.read(old.id, companyID: company.id, reader: .system(purpose: "x")) }
            #expect(try await f.vault.audit.entries(scopePath: company.path, filter: AuditFilter(actions: [.vaultModeChange])).count == 2)
        }
    }

    @Test func aDocumentStoredWithoutTransitCopyIsReadableByKeyHoldersOnly() async throws {
        try await VaultFixture.with { f in
            // setup
            let (company, admin, _) = try await f.company("Acme")
            let key = try await f.unlock(companyID: company.id, userID: admin, password: "admin-pw")
            // act
            let doc = try await f.vault.documents.put(
                companyID: company.id, accountID: company.id, kind: .original, contentType: "application/pdf",
                bytes: Array("library".utf8), transitCopy: false)
            // check
            await #expect(throws: VaultError.self) { _ = try await f.vault.documents.read(doc.id, companyID: company.id, reader: .system(purpose: "x")) }
            #expect(try await f.vault.documents.read(doc.id, companyID: company.id, reader: .user(key, actor: .user(admin, label: "a"))) == Array("library".utf8))
            // In managed mode the copy is always kept.
            try await f.vault.documents.setMode(.managed, companyID: company.id, using: key, actor: .user(admin, label: "a"))
            let managed = try await f.vault.documents.put(
                companyID: company.id, accountID: company.id, kind: .original, contentType: "application/pdf",
                bytes: Array("managed".utf8), transitCopy: false)
            #expect(try await f.vault.documents.read(managed.id, companyID: company.id, reader: .system(purpose: "x")) == Array("managed".utf8))
        }
    }

    @Test func deleteRemovesChunksAndRow() async throws {
        try await VaultFixture.with { f in
            let (company, admin, _) = try await f.company("Acme")
            let doc = try await f.vault.documents.put(
                companyID: company.id, accountID: company.id, kind: .original, contentType: "application/pdf",
                bytes: VaultFixture.samplePDF(size: 3 * DocumentStore.chunkSize))
            try await f.vault.documents.delete(doc.id, companyID: company.id, actor: .user(admin, label: "admin"))
            let chunks = try await f.database.query("SELECT COUNT(*) AS n FROM document_chunks WHERE document_id = ?", doc.id)
            #expect(try chunks[0].get("n", as: Int.self) == 0)
            await #expect(throws: VaultError.documentNotFound(documentID: doc.id)) {
                _ = try await f.vault.documents.info(doc.id, companyID: company.id)
            }
        }
    }
}
