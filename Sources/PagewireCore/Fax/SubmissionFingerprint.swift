import Crypto

/// A digest of everything a submission asked for, so a repeat under the same `Idempotency-Key`
/// can be told from a different request (DESIGN.md §6: same key + same body → same fax; different → 409).
public struct SubmissionFingerprint: Sendable {
    private var hasher = SHA256()

    /// An empty fingerprint.
    public init() {}

    /// Adds a named field; names and values are length-prefixed so fields cannot run together.
    public mutating func add(_ name: String, _ value: String) {
        add(name, Array(value.utf8))
    }

    /// Adds named bytes (a file's content).
    public mutating func add(_ name: String, _ bytes: [UInt8]) {
        for part in [Array(name.utf8), bytes] {
            var length = UInt64(part.count).bigEndian
            withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
            hasher.update(data: part)
        }
    }

    /// The hex SHA-256 of what was added (64 characters, the width of `faxes.request_hash`).
    public var hex: String {
        hasher.finalize().map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
        }.joined()
    }
}
