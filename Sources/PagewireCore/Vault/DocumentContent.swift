import Crypto
import Foundation

/// The authenticated chunks of one document, fetched one at a time as they are consumed.
public struct DocumentContent: AsyncSequence, Sendable {
    /// One decrypted chunk.
    public typealias Element = [UInt8]
    let database: Database
    /// The document being read.
    public let documentID: Int64
    let key: SymmetricKey
    /// How many chunks the document has.
    public let chunkCount: Int
    /// The plaintext length recorded at write time.
    public let byteCount: Int
    /// Chunk 0 as stored, read with the document row to save a round trip.
    let firstChunk: [UInt8]?

    /// Yields chunk after chunk; see `DocumentStore.open`. While one chunk is decrypted and
    /// consumed, the next one is already being fetched.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let content: DocumentContent
        var next = 0
        var delivered = 0
        var prefetched: Task<[UInt8]?, any Error>?

        /// The next authenticated chunk, nil after the last; throws `VaultError.tampered` on any inconsistency.
        public mutating func next() async throws -> [UInt8]? {
            let documentID = content.documentID
            guard content.chunkCount > 0 else {
                throw VaultError.tampered(documentID: documentID, chunk: 0, reason: "the document records no chunks")
            }
            guard next < content.chunkCount else { return nil }
            let index = next
            let fetched: [UInt8]?
            if index == 0, let first = content.firstChunk {
                fetched = first
            } else if let prefetched {
                fetched = try await prefetched.value
            } else {
                fetched = try await Self.fetch(content, index)
            }
            prefetched = index + 1 < content.chunkCount ? Task { [content] in try await Self.fetch(content, index + 1) } : nil
            guard let stored = fetched else {
                throw VaultError.tampered(documentID: documentID, chunk: index, reason: "chunk is missing")
            }
            let plain = try VaultCipher.openChunk(
                stored, key: content.key, documentID: documentID, index: index, final: index == content.chunkCount - 1)
            next += 1
            delivered += plain.count
            if next == content.chunkCount, delivered != content.byteCount {
                throw VaultError.tampered(documentID: documentID, chunk: index, reason: "length differs from the recorded one")
            }
            return plain
        }

        static func fetch(_ content: DocumentContent, _ index: Int) async throws -> [UInt8]? {
            try await content.database.query(
                "SELECT bytes FROM document_chunks WHERE document_id = ? AND n = ?", content.documentID, index
            ).first?.get("bytes")
        }
    }

    /// Starts reading at chunk 0.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(content: self) }
}
