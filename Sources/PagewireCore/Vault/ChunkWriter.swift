import Crypto
import Foundation

/// Encrypts and writes the chunks of one document as bytes arrive, holding back the last
/// chunk until the end so it can carry the final flag.
final class ChunkWriter: @unchecked Sendable {
    let documentID: Int64
    let companyID: Int64
    private let key = SymmetricKey(size: .bits256)
    private let companyKeyID: Int64
    private let companyPublicKey: Curve25519.KeyAgreement.PublicKey
    /// Nil when the document gets no transit copy.
    private let transitKey: (id: String, key: SymmetricKey)?
    private var pending: [UInt8] = []
    private var written = 0
    private var byteCount = 0

    /// The document as inserted; `finish` fills in its size.
    private var header: StoredDocument

    private init(
        header: StoredDocument, companyKeyID: Int64, companyPublicKey: Curve25519.KeyAgreement.PublicKey,
        transitKey: (id: String, key: SymmetricKey)?
    ) {
        self.header = header
        self.documentID = header.id
        self.companyID = header.companyID
        self.companyKeyID = companyKeyID
        self.companyPublicKey = companyPublicKey
        self.transitKey = transitKey
    }

    /// Checks that `accountID` lies in the company, finds its active key, and inserts the row.
    static func begin(
        on connection: DatabaseConnection, companyID: Int64, accountID: Int64, kind: DocumentKind, contentType: String,
        transitKey: (id: String, key: SymmetricKey), transitCopy: Bool, now: Date
    ) throws -> ChunkWriter {
        // One query on the common path: the account lies in the company, which has an active key.
        guard let key = try connection.query(
            """
            SELECT k.id, k.public_key, v.mode FROM accounts a
            JOIN accounts c ON c.id = ? AND c.kind = 'company'
            JOIN company_keys k ON k.company_id = c.id AND k.state = 'active'
            JOIN company_vaults v ON v.company_id = c.id
            WHERE a.id = ? AND a.path LIKE CONCAT(c.path, '%')
            """,
            companyID, accountID
        ).first else {
            let inCompany = try connection.query(
                """
                SELECT a.id FROM accounts a JOIN accounts c ON c.id = ? AND c.kind = 'company'
                WHERE a.id = ? AND a.path LIKE CONCAT(c.path, '%')
                """,
                companyID, accountID)
            if inCompany.isEmpty { throw VaultError.accountOutsideCompany(accountID: accountID, companyID: companyID) }
            throw VaultError.vaultMissing(companyID: companyID)
        }
        let managed = try key.get("mode", as: String.self) == VaultMode.managed.rawValue
        let inserted = try connection.execute(
            """
            INSERT INTO documents (company_id, account_id, kind, content_type, state, created_at)
            VALUES (?, ?, ?, ?, 'writing', ?)
            """,
            companyID, accountID, kind.rawValue, contentType, now)
        let header = StoredDocument(
            id: Int64(inserted.lastInsertID), companyID: companyID, accountID: accountID, kind: kind,
            contentType: contentType, byteCount: 0, chunkCount: 0, createdAt: now)
        return ChunkWriter(
            header: header, companyKeyID: try key.get("id"),
            companyPublicKey: try VaultCipher.publicKey(try key.get("public_key"), what: "company public key"),
            transitKey: transitCopy || managed ? transitKey : nil)
    }

    /// Buffers `bytes` and writes every full chunk that is certainly not the last.
    /// Full chunks are encrypted straight from `bytes` when nothing is pending, without a copy.
    func append(_ bytes: [UInt8], on connection: DatabaseConnection) throws {
        byteCount += bytes.count
        var start = 0
        if !pending.isEmpty {
            let take = min(DocumentStore.chunkSize - pending.count, bytes.count)
            pending += bytes[0..<take]
            start = take
            guard bytes.count > start else { return }
            // More follows, so the pending chunk is full and not the last.
            try write(pending[...], final: false, on: connection)
            pending = []
        }
        while bytes.count - start > DocumentStore.chunkSize {
            try write(bytes[start..<start + DocumentStore.chunkSize], final: false, on: connection)
            start += DocumentStore.chunkSize
        }
        pending = Array(bytes[start...])
    }

    /// Writes the last chunk (possibly empty), seals the key and marks the document stored.
    func finish(on connection: DatabaseConnection) throws -> StoredDocument {
        try write(pending[...], final: true, on: connection)
        pending = []
        let sealed = try VaultCipher.seal(
            VaultCipher.bytes(of: key), to: companyPublicKey,
            context: DocumentStore.sealContext(companyID: companyID, keyID: companyKeyID, documentID: documentID))
        let transitWrap = try transitKey.map {
            try DocumentStore.transitWrap(VaultCipher.bytes(of: key), with: $0, companyID: companyID, documentID: documentID)
        }
        try connection.execute(
            """
            UPDATE documents SET state = 'stored', byte_count = ?, chunk_count = ?, company_key_id = ?, sealed_key = ?,
                transit_hold = ?, transit_key_id = ?, transit_wrapped_key = ?
            WHERE id = ? AND company_id = ?
            """,
            byteCount, written, companyKeyID, sealed, transitKey != nil, transitKey?.id, transitWrap, documentID, companyID)
        header.byteCount = byteCount
        header.chunkCount = written
        return header
    }

    private func write(_ plaintext: ArraySlice<UInt8>, final: Bool, on connection: DatabaseConnection) throws {
        let sealed = try VaultCipher.sealChunk(plaintext, key: key, documentID: documentID, index: written, final: final)
        try connection.execute(
            "INSERT INTO document_chunks (document_id, n, bytes) VALUES (?, ?, ?)", documentID, written, sealed)
        written += 1
    }
}
