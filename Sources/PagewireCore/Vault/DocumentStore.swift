import Crypto
import Foundation

/// What a stored document is.
public enum DocumentKind: String, Sendable, CaseIterable {
    /// An attachment as the sender gave it (PDF, TIFF, DOCX…).
    case original
    /// The rendered fax TIFF that is transmitted.
    case faxTIFF = "fax_tiff"
    /// The PDF built for delivery (e-mail, SFTP, download) of a received fax.
    case deliveryPDF = "delivery_pdf"
}

/// Whether the platform keeps its transit copy of a company's document keys.
public enum VaultMode: String, Sendable {
    /// Transit copies exist only while a fax is being processed; afterwards only key holders read.
    case `private`
    /// Transit copies are kept (SSO users, API downloads); every system decryption is audited.
    case managed
}

/// Who is reading a document, and so which key opens it.
public enum DocumentReader: Sendable {
    /// A company user or admin, already checked by the caller for the right to see the fax,
    /// holding the company key unlocked from their session. Audited as `action`.
    case user(UnlockedCompanyKey, actor: AuditActor, action: AuditAction = .documentView)
    /// The platform itself (rendering, sending, retries, delivery, API pulls in managed mode),
    /// through the transit copy; audited whenever the company is in managed mode.
    case system(purpose: String)
}

/// A document's metadata (never its content).
public struct StoredDocument: Sendable, Equatable {
    /// The document id (unique across companies; always used with the company id).
    public var id: Int64
    /// The company whose key the document is sealed to.
    public var companyID: Int64
    /// The account (company or department) the document is filed under.
    public var accountID: Int64
    /// Original, fax TIFF or delivery PDF.
    public var kind: DocumentKind
    /// The media type given at upload.
    public var contentType: String
    /// Plaintext length in bytes.
    public var byteCount: Int
    /// Number of 1 MiB chunks (at least 1).
    public var chunkCount: Int
    /// When it was stored; retention counts from here.
    public var createdAt: Date
}

/// Encrypted documents in MariaDB: `documents` rows plus 1 MiB chunks in `document_chunks`.
///
/// Every document has its own AES-256-GCM key. Chunk `n` is sealed with a nonce made of `n`
/// and a final-chunk flag, and associated data naming the document, `n` and the flag, so a
/// flipped byte, chunks swapped within or between documents, or a dropped last chunk all fail
/// authentication. The document key is sealed (HPKE) to the company's active public key and,
/// while the system needs it, wrapped with the platform transit key. Every query carries the
/// company id, so another tenant's document id reads as not found.
public struct DocumentStore: Sendable {
    /// Plaintext bytes per chunk.
    public static let chunkSize = 1 << 20

    /// Where documents and chunks live.
    public let database: Database
    /// The platform transit keys of this process.
    public let transit: TransitKeyring

    /// A store over `database` using `transit` for system access.
    public init(database: Database, transit: TransitKeyring) {
        self.database = database
        self.transit = transit
    }

    // MARK: - Put

    /// Stores `bytes` in one transaction and returns the new document.
    /// With `transitCopy` (for anything the system must process: fax originals, TIFFs, PDFs for
    /// delivery) the transit copy is kept until `releaseTransitAccess`; without it only key holders
    /// can read the document, unless the company is in managed mode, which always keeps one.
    public func put(
        companyID: Int64, accountID: Int64, kind: DocumentKind, contentType: String, bytes: [UInt8],
        transitCopy: Bool = true, now: Date = Date()
    ) async throws -> StoredDocument {
        let transitKey = transit.current
        return try await database.transaction { connection in
            let writer = try ChunkWriter.begin(
                on: connection, companyID: companyID, accountID: accountID, kind: kind, contentType: contentType,
                transitKey: transitKey, transitCopy: transitCopy, now: now)
            try writer.append(bytes, on: connection)
            return try writer.finish(on: connection)
        }
    }

    /// Stores a document read piece by piece from `content` without holding it all in memory.
    /// Each chunk commits on its own; the document becomes readable when the last one is written.
    public func put<S: AsyncSequence>(
        companyID: Int64, accountID: Int64, kind: DocumentKind, contentType: String, content: S,
        transitCopy: Bool = true, now: Date = Date()
    ) async throws -> StoredDocument where S.Element == [UInt8] {
        let transitKey = transit.current
        let writer = try await database.withConnection { connection in
            try ChunkWriter.begin(
                on: connection, companyID: companyID, accountID: accountID, kind: kind, contentType: contentType,
                transitKey: transitKey, transitCopy: transitCopy, now: now)
        }
        for try await piece in content {
            try await database.withConnection { try writer.append(piece, on: $0) }
        }
        return try await database.withConnection { try writer.finish(on: $0) }
    }

    // MARK: - Get

    /// Opens a document for streaming: the sequence yields each chunk only after it authenticated,
    /// and throws (`.tampered`) at a bad, missing or reordered chunk or when the sequence ends early.
    /// A consumer must treat a thrown error as "no document" (abort the download), never as the end.
    public func open(_ documentID: Int64, companyID: Int64, reader: DocumentReader, now: Date = Date()) async throws -> DocumentContent {
        let transit = self.transit
        let database = self.database
        return try await database.withConnection { connection in
            let rows = try connection.query(
                """
                SELECT d.state, d.chunk_count, d.byte_count, d.company_key_id, d.sealed_key, d.transit_key_id,
                       d.transit_wrapped_key, d.expired_at, COALESCE(v.mode, 'private') AS mode,
                       (SELECT c.bytes FROM document_chunks c WHERE c.document_id = d.id AND c.n = 0) AS first_chunk
                FROM documents d LEFT JOIN company_vaults v ON v.company_id = d.company_id
                WHERE d.id = ? AND d.company_id = ?
                """,
                documentID, companyID)
            guard let row = rows.first else { throw VaultError.documentNotFound(documentID: documentID) }
            switch try row.get("state", as: String.self) {
            case "expired": throw VaultError.documentExpired(documentID: documentID, expiredAt: try row.optional("expired_at"))
            case "writing": throw VaultError.documentIncomplete(documentID: documentID)
            default: break
            }
            let key: SymmetricKey
            switch reader {
            case .user(let unlocked, let actor, let action):
                guard unlocked.companyID == companyID, let keyID: Int64 = try row.optional("company_key_id"),
                    let privateKey = unlocked.privateKeys[keyID], let sealed: [UInt8] = try row.optional("sealed_key")
                else { throw VaultError.noAccess(documentID: documentID, reason: "sealed to a company key this session does not hold") }
                guard let raw = VaultCipher.open(
                    sealed, with: privateKey, context: Self.sealContext(companyID: companyID, keyID: keyID, documentID: documentID))
                else { throw VaultError.noAccess(documentID: documentID, reason: "the sealed document key does not open") }
                key = SymmetricKey(data: raw)
                try AuditLog.record(
                    on: connection, accountID: companyID, actor: actor, action: action, targetType: "document",
                    targetID: String(documentID), at: now)
            case .system(let purpose):
                guard let keyID: String = try row.optional("transit_key_id"),
                    let wrapped: [UInt8] = try row.optional("transit_wrapped_key")
                else { throw VaultError.noAccess(documentID: documentID, reason: "no transit copy: the system no longer holds this document's key") }
                guard let raw = VaultCipher.unwrap(
                    wrapped, with: try transit.key(id: keyID),
                    context: Self.transitContext(keyID: keyID, companyID: companyID, documentID: documentID))
                else { throw VaultError.noAccess(documentID: documentID, reason: "the transit copy does not open") }
                key = SymmetricKey(data: raw)
                if try row.get("mode", as: String.self) == VaultMode.managed.rawValue {
                    try AuditLog.record(
                        on: connection, accountID: companyID, actor: .system(purpose), action: .documentSystemDecrypt,
                        targetType: "document", targetID: String(documentID), detail: "managed mode: \(purpose)", at: now)
                }
            }
            return DocumentContent(
                database: database, documentID: documentID, key: key,
                chunkCount: try row.get("chunk_count"), byteCount: try row.get("byte_count"),
                firstChunk: try row.optional("first_chunk"))
        }
    }

    /// Reads a whole document; returns only after every chunk authenticated.
    public func read(_ documentID: Int64, companyID: Int64, reader: DocumentReader, now: Date = Date()) async throws -> [UInt8] {
        let content = try await open(documentID, companyID: companyID, reader: reader, now: now)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(content.byteCount)
        for try await chunk in content { bytes += chunk }
        return bytes
    }

    /// A document's metadata, scoped to the company.
    public func info(_ documentID: Int64, companyID: Int64) async throws -> StoredDocument {
        guard let row = try await database.query(
            """
            SELECT id, company_id, account_id, kind, content_type, byte_count, chunk_count, created_at, state, expired_at
            FROM documents WHERE id = ? AND company_id = ?
            """,
            documentID, companyID
        ).first else { throw VaultError.documentNotFound(documentID: documentID) }
        return try Self.document(from: row)
    }

    // MARK: - Delete

    /// Deletes a document: its keys first (so it is unreadable at once), then its chunks in small
    /// batches, then the row.
    public func delete(_ documentID: Int64, companyID: Int64, actor: AuditActor, now: Date = Date()) async throws {
        try await database.transaction { connection in
            let changed = try connection.execute(
                """
                UPDATE documents SET company_key_id = NULL, sealed_key = NULL, transit_key_id = NULL, transit_wrapped_key = NULL
                WHERE id = ? AND company_id = ?
                """,
                documentID, companyID)
            let exists = try changed.affectedRows == 1
                || !connection.query("SELECT id FROM documents WHERE id = ? AND company_id = ?", documentID, companyID).isEmpty
            guard exists else { throw VaultError.documentNotFound(documentID: documentID) }
            try AuditLog.record(
                on: connection, accountID: companyID, actor: actor, action: .documentDelete, targetType: "document",
                targetID: String(documentID), at: now)
        }
        try await Self.deleteChunks(of: documentID, database: database)
        try await database.execute("DELETE FROM documents WHERE id = ? AND company_id = ?", documentID, companyID)
    }

    /// Deletes chunks a few at a time, each batch its own short transaction.
    static func deleteChunks(of documentID: Int64, database: Database, batch: Int = 4) async throws {
        while try await database.execute(
            "DELETE FROM document_chunks WHERE document_id = ? ORDER BY n LIMIT ?", documentID, batch
        ).affectedRows > 0 {}
    }

    // MARK: - Transit access

    /// Called by the scheduler when a fax reaches a final state: drops the transit copies of its
    /// documents unless the company is in managed mode. Returns how many copies were deleted.
    @discardableResult
    public func releaseTransitAccess(companyID: Int64, documentIDs: [Int64]) async throws -> Int {
        guard !documentIDs.isEmpty else { return 0 }
        let placeholders = Array(repeating: "?", count: documentIDs.count).joined(separator: ", ")
        let binds: [any SQLEncodable] = [companyID] + (documentIDs as [any SQLEncodable])
        return try await database.transaction { connection in
            let mode = try connection.query("SELECT mode FROM company_vaults WHERE company_id = ?", companyID).first?
                .get("mode", as: String.self)
            try connection.execute(
                "UPDATE documents SET transit_hold = 0 WHERE company_id = ? AND id IN (\(placeholders))",
                binds)
            guard mode != VaultMode.managed.rawValue else { return 0 }
            return Int(try connection.execute(
                """
                UPDATE documents SET transit_key_id = NULL, transit_wrapped_key = NULL
                WHERE company_id = ? AND transit_wrapped_key IS NOT NULL AND id IN (\(placeholders))
                """,
                binds
            ).affectedRows)
        }
    }

    /// The company's vault mode.
    public func mode(companyID: Int64) async throws -> VaultMode {
        guard let row = try await database.query("SELECT mode FROM company_vaults WHERE company_id = ?", companyID).first else {
            throw VaultError.vaultMissing(companyID: companyID)
        }
        return VaultMode(rawValue: try row.get("mode")) ?? .private
    }

    /// Switches a company between private and managed mode. Turning managed mode on needs a key
    /// holder's unlocked key to give existing documents a transit copy; turning it off deletes
    /// the copies of every document the system no longer processes.
    public func setMode(_ mode: VaultMode, companyID: Int64, using unlocked: UnlockedCompanyKey?, actor: AuditActor, now: Date = Date()) async throws {
        if mode == .managed, unlocked?.companyID != companyID {
            throw VaultError.notAKeyHolder(userID: actor.userID ?? 0, companyID: companyID)
        }
        try await database.transaction { connection in
            let changed = try connection.execute(
                "UPDATE company_vaults SET mode = ?, updated_at = ? WHERE company_id = ?", mode.rawValue, now, companyID)
            let exists = try changed.affectedRows == 1
                || !connection.query("SELECT company_id FROM company_vaults WHERE company_id = ?", companyID).isEmpty
            guard exists else { throw VaultError.vaultMissing(companyID: companyID) }
            try AuditLog.record(
                on: connection, accountID: companyID, actor: actor, action: .vaultModeChange, targetType: "company",
                targetID: String(companyID), detail: "mode \(mode.rawValue)", at: now)
        }
        switch mode {
        case .managed:
            guard let unlocked else { return }
            while try await addTransitCopies(companyID: companyID, using: unlocked, batch: 100) > 0 {}
        case .private:
            while try await database.execute(
                """
                UPDATE documents SET transit_key_id = NULL, transit_wrapped_key = NULL
                WHERE company_id = ? AND transit_hold = 0 AND transit_wrapped_key IS NOT NULL LIMIT 500
                """,
                companyID
            ).affectedRows > 0 {}
        }
    }

    /// Gives up to `batch` stored documents without a transit copy one; returns how many.
    func addTransitCopies(companyID: Int64, using unlocked: UnlockedCompanyKey, batch: Int) async throws -> Int {
        let transitKey = transit.current
        return try await database.transaction { connection in
            let rows = try connection.query(
                """
                SELECT id, company_key_id, sealed_key FROM documents
                WHERE company_id = ? AND state = 'stored' AND transit_wrapped_key IS NULL AND sealed_key IS NOT NULL
                ORDER BY id LIMIT ? FOR UPDATE
                """,
                companyID, batch)
            for row in rows {
                let id: Int64 = try row.get("id")
                let key = try Self.openSealed(row, companyID: companyID, unlocked: unlocked)
                try connection.execute(
                    "UPDATE documents SET transit_key_id = ?, transit_wrapped_key = ? WHERE id = ? AND company_id = ?",
                    transitKey.id, try Self.transitWrap(key, with: transitKey, companyID: companyID, documentID: id),
                    id, companyID)
            }
            return rows.count
        }
    }

    // MARK: - Rotation

    /// Re-wraps up to `batch` transit copies made with an older transit key with the current one;
    /// returns how many. Run until 0 after `TransitKeyring.rotate`, then `TransitKeyring.retire`.
    /// A platform maintenance task: it spans every company and opens no content.
    public func rewrapTransitCopies(batch: Int = 500) async throws -> Int {
        let transit = self.transit
        let current = transit.current
        return try await database.transaction { connection in
            let rows = try connection.query(
                """
                SELECT id, company_id, transit_key_id, transit_wrapped_key FROM documents
                WHERE transit_key_id IS NOT NULL AND transit_key_id <> ? ORDER BY id LIMIT ? FOR UPDATE
                """,
                current.id, batch)
            for row in rows {
                let id: Int64 = try row.get("id")
                let companyID: Int64 = try row.get("company_id")
                let oldID: String = try row.get("transit_key_id")
                guard let raw = VaultCipher.unwrap(
                    try row.get("transit_wrapped_key"), with: try transit.key(id: oldID),
                    context: Self.transitContext(keyID: oldID, companyID: companyID, documentID: id))
                else { throw VaultError.noAccess(documentID: id, reason: "the transit copy does not open") }
                try connection.execute(
                    "UPDATE documents SET transit_key_id = ?, transit_wrapped_key = ? WHERE id = ? AND company_id = ?",
                    current.id, try Self.transitWrap(raw, with: current, companyID: companyID, documentID: id),
                    id, companyID)
            }
            return rows.count
        }
    }

    /// Transit key ids that some transit copy or sealed webhook secret still uses (keep them in the key file).
    public func transitKeyIDsInUse() async throws -> Set<String> {
        // Webhook signing secrets are sealed with transit keys too: keep those keys as well.
        Set(try await database.query(
            """
            SELECT DISTINCT transit_key_id FROM documents WHERE transit_key_id IS NOT NULL
            UNION SELECT DISTINCT secret_key_id FROM webhook_endpoints WHERE secret_key_id IS NOT NULL
            """).map { try $0.get("transit_key_id", as: String.self) })
    }

    /// After a company key rotation, re-seals up to `batch` document keys from retired company keys
    /// to the active one; returns how many. Optional: retired keys keep opening them meanwhile.
    public func resealDocuments(companyID: Int64, using unlocked: UnlockedCompanyKey, batch: Int = 500) async throws -> Int {
        guard unlocked.companyID == companyID else { return 0 }
        return try await database.transaction { connection in
            guard let active = try connection.query(
                "SELECT public_key FROM company_keys WHERE id = ? AND company_id = ? AND state = 'active'",
                unlocked.activeKeyID, companyID
            ).first else { throw VaultError.corruptKeyMaterial(what: "company key \(unlocked.activeKeyID) is no longer active; unlock again") }
            let publicKey = try VaultCipher.publicKey(try active.get("public_key"), what: "company public key")
            let rows = try connection.query(
                """
                SELECT id, company_key_id, sealed_key FROM documents
                WHERE company_id = ? AND company_key_id <> ? AND sealed_key IS NOT NULL ORDER BY id LIMIT ? FOR UPDATE
                """,
                companyID, unlocked.activeKeyID, batch)
            for row in rows {
                let id: Int64 = try row.get("id")
                let key = try Self.openSealed(row, companyID: companyID, unlocked: unlocked)
                try connection.execute(
                    "UPDATE documents SET company_key_id = ?, sealed_key = ? WHERE id = ? AND company_id = ?",
                    unlocked.activeKeyID,
                    try VaultCipher.seal(
                        key, to: publicKey,
                        context: Self.sealContext(companyID: companyID, keyID: unlocked.activeKeyID, documentID: id)),
                    id, companyID)
            }
            return rows.count
        }
    }

    // MARK: - Helpers

    static func sealContext(companyID: Int64, keyID: Int64, documentID: Int64) -> String {
        "document-key:\(companyID):\(keyID):\(documentID)"
    }

    static func transitContext(keyID: String, companyID: Int64, documentID: Int64) -> String {
        "transit:\(keyID):\(companyID):\(documentID)"
    }

    static func transitWrap(
        _ documentKey: [UInt8], with transitKey: (id: String, key: SymmetricKey), companyID: Int64, documentID: Int64
    ) throws -> [UInt8] {
        try VaultCipher.wrap(
            documentKey, with: transitKey.key,
            context: transitContext(keyID: transitKey.id, companyID: companyID, documentID: documentID))
    }

    static func openSealed(_ row: SQLRow, companyID: Int64, unlocked: UnlockedCompanyKey) throws -> [UInt8] {
        let id: Int64 = try row.get("id")
        let keyID: Int64 = try row.get("company_key_id")
        guard let privateKey = unlocked.privateKeys[keyID],
            let raw = VaultCipher.open(
                try row.get("sealed_key"), with: privateKey, context: sealContext(companyID: companyID, keyID: keyID, documentID: id))
        else { throw VaultError.noAccess(documentID: id, reason: "sealed to a company key this session does not hold") }
        return raw
    }

    static func document(from row: SQLRow) throws -> StoredDocument {
        let id: Int64 = try row.get("id")
        if try row.get("state", as: String.self) == "expired" {
            throw VaultError.documentExpired(documentID: id, expiredAt: try row.optional("expired_at"))
        }
        return StoredDocument(
            id: id, companyID: try row.get("company_id"), accountID: try row.get("account_id"),
            kind: DocumentKind(rawValue: try row.get("kind")) ?? .original, contentType: try row.get("content_type"),
            byteCount: try row.get("byte_count"), chunkCount: try row.get("chunk_count"), createdAt: try row.get("created_at"))
    }
}
