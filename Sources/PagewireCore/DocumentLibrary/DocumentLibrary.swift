import Foundation

/// The document library of an account subtree: `library_documents` rows over vault documents.
///
/// The content is sealed to the company key without a transit copy (unless the company is in
/// managed mode), so only key holders open it; a fax submission made from it gets its own copy in the vault
/// (`copyForFax`), which the scheduler may process and release without touching the library's.
/// Every query carries the caller's scope: another tenant's id reads as not found.
public struct DocumentLibrary: Sendable {
    /// Where the rows live.
    public let database: Database
    /// The vault holding the content.
    public let documents: DocumentStore

    /// A library over `documents`' database.
    public init(documents: DocumentStore) {
        self.database = documents.database
        self.documents = documents
    }

    /// Why a library change was refused.
    public enum LibraryError: Error, Equatable, CustomStringConvertible {
        /// Not found, or outside the caller's scope.
        case notFound
        /// A field the user can correct.
        case invalid(String)

        public var description: String {
            switch self {
            case .notFound: "no such document"
            case .invalid(let reason): reason
            }
        }
    }

    /// The largest file the library takes.
    public static let maximumBytes = 10 << 20

    /// A title trimmed and checked (1 to 200 characters, one line).
    public static func checkedTitle(_ text: String) throws(LibraryError) -> String {
        let title = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw .invalid("Give the document a title.") }
        guard title.count <= 200 else { throw .invalid("A title has at most 200 characters.") }
        guard !title.contains(where: \.isNewline) else { throw .invalid("A title is one line.") }
        return title
    }

    // MARK: - Reading

    /// Whether vault document `documentID` is a library entry's own copy (which the system may
    /// not read, so a fax cannot be made of it directly: `copyForFax` makes one).
    public func isLibraryCopy(documentID: Int64) async throws -> Bool {
        !(try await database.query("SELECT id FROM library_documents WHERE document_id = ?", documentID)).isEmpty
    }

    /// The library inside `scope`, by title.
    public func list(scope: AccountScope, limit: Int = 500) async throws -> [LibraryDocument] {
        try await database.query(
            """
            SELECT \(LibraryDocument.columns) FROM library_documents l JOIN accounts a ON a.id = l.account_id
            JOIN documents d ON d.id = l.document_id AND d.company_id = l.company_id
            WHERE a.path LIKE ? ORDER BY l.title, l.id LIMIT ?
            """, scope.pathPattern, limit
        ).map(LibraryDocument.init(row:))
    }

    /// The entry `id` if it is inside `scope`.
    public func get(_ id: Int64, scope: AccountScope) async throws -> LibraryDocument? {
        try await database.query(
            """
            SELECT \(LibraryDocument.columns) FROM library_documents l JOIN accounts a ON a.id = l.account_id
            JOIN documents d ON d.id = l.document_id AND d.company_id = l.company_id
            WHERE l.id = ? AND a.path LIKE ?
            """, id, scope.pathPattern
        ).first.map(LibraryDocument.init(row:))
    }

    // MARK: - Changing

    /// Stores `bytes` in the vault and files it in the library at `accountID` (inside `scope`).
    /// The caller has checked the content (type, size, pages); a refusal stores nothing.
    @discardableResult
    public func add(
        accountID: Int64, companyID: Int64, userID: Int64?, title: String, fileName: String, contentType: String,
        quality: FaxQuality, pages: Int, bytes: [UInt8], scope: AccountScope, now: Date = Date()
    ) async throws -> LibraryDocument {
        let title = try Self.checkedTitle(title)
        guard !bytes.isEmpty else { throw LibraryError.invalid("The file is empty.") }
        guard bytes.count <= Self.maximumBytes else { throw LibraryError.invalid("The file is larger than \(Self.maximumBytes >> 20) MiB.") }
        let name = String(Self.safeFileName(fileName).prefix(255))
        guard try await AccountRepository(database: database).get(accountID, scope: scope) != nil else { throw LibraryError.notFound }
        let stored = try await documents.put(
            companyID: companyID, accountID: accountID, kind: .original, contentType: contentType, bytes: bytes, transitCopy: false, now: now)
        let id: Int64
        do {
            id = Int64(try await database.execute(
                """
                INSERT INTO library_documents (account_id, company_id, user_id, document_id, title, file_name, quality, pages, byte_count,
                    created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, accountID, companyID, userID, stored.id, title, name, quality.rawValue, pages, bytes.count, now, now).lastInsertID)
        } catch {
            try? await documents.delete(stored.id, companyID: companyID, actor: .system("document library: entry refused"))
            throw error
        }
        guard let entry = try await get(id, scope: scope) else { throw LibraryError.notFound }
        return entry
    }

    /// Gives the entry a new title.
    public func rename(_ id: Int64, to title: String, scope: AccountScope, now: Date = Date()) async throws {
        let title = try Self.checkedTitle(title)
        let changed = try await database.execute(
            """
            UPDATE library_documents l JOIN accounts a ON a.id = l.account_id SET l.title = ?, l.updated_at = ?
            WHERE l.id = ? AND a.path LIKE ?
            """, title, now, id, scope.pathPattern)
        if changed.affectedRows == 0, try await get(id, scope: scope) == nil { throw LibraryError.notFound }
    }

    /// Removes the entry and deletes its content from the vault (keys first, so it is unreadable at once).
    public func delete(_ id: Int64, scope: AccountScope, actor: AuditActor) async throws {
        guard let entry = try await get(id, scope: scope) else { throw LibraryError.notFound }
        try await documents.delete(entry.documentID, companyID: entry.companyID, actor: actor)
        // The row went with its document (ON DELETE CASCADE); this covers a document already gone.
        try await database.execute("DELETE FROM library_documents WHERE id = ?", entry.id)
    }

    /// A new vault document with the entry's content and a transit copy, for one fax to use
    /// (the scheduler renders it and releases it like any upload). `reader` opens the library's copy.
    public func copyForFax(_ entry: LibraryDocument, accountID: Int64, reader: DocumentReader) async throws -> StoredDocument {
        let bytes = try await documents.read(entry.documentID, companyID: entry.companyID, reader: reader)
        return try await documents.put(companyID: entry.companyID, accountID: accountID, kind: .original, contentType: entry.contentType, bytes: bytes)
    }

    /// A file name without directories, quotes or control characters (it goes into headers).
    public static func safeFileName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F && !"\"<>;".unicodeScalars.contains($0) }
            .map(Character.init)).trimmingCharacters(in: .whitespaces)
        return cleaned.isEmpty ? "document" : cleaned
    }
}
