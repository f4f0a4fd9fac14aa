/// Cuts a SIP byte stream (TCP) into messages (RFC 3261 §18.3): each message is its header block
/// up to the blank line plus exactly `Content-Length` bytes of body, which a stream transport
/// must carry. CRLFs between messages (keep-alives) are skipped.
///
/// Hostile input is bounded: a header block or message larger than `SIPMessage.maximumSize`, or
/// a missing or unreadable Content-Length, is an error after which the connection must be closed
/// (framing is lost).
public struct SIPStreamFramer: Sendable {
    private var buffer: [UInt8] = []

    /// An empty framer.
    public init() {}

    /// Bytes received but not yet part of a complete message.
    public var pendingByteCount: Int { buffer.count }

    /// Appends received bytes and returns every message now complete, each as the bytes
    /// `SIPMessage(parsing:)` reads.
    public mutating func append(_ bytes: some Collection<UInt8>) throws(SIPParseError) -> [[UInt8]] {
        buffer.append(contentsOf: bytes)
        var messages: [[UInt8]] = []
        while true {
            var start = 0
            while start < buffer.count, buffer[start] == 13 || buffer[start] == 10 { start += 1 }
            if start > 0 { buffer.removeFirst(start) }
            guard !buffer.isEmpty else { break }
            guard let headerEnd = Self.headerEnd(buffer) else {
                guard buffer.count <= SIPMessage.maximumSize else { throw .tooLarge(buffer.count) }
                break
            }
            let length = try Self.contentLength(buffer[..<headerEnd])
            let total = headerEnd + length
            guard total <= SIPMessage.maximumSize else { throw .tooLarge(total) }
            guard buffer.count >= total else { break }
            messages.append(Array(buffer[..<total]))
            buffer.removeFirst(total)
        }
        return messages
    }

    /// The index just after the blank line ending the header block, if it arrived.
    static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var i = 0
        while i + 3 < bytes.count {
            if bytes[i] == 13, bytes[i + 1] == 10, bytes[i + 2] == 13, bytes[i + 3] == 10 { return i + 4 }
            i += 1
        }
        return nil
    }

    /// The Content-Length (or compact `l`) of a header block; required on streams.
    static func contentLength(_ head: ArraySlice<UInt8>) throws(SIPParseError) -> Int {
        guard let text = String(validating: head, as: UTF8.self) else { throw .notText }
        for line in text.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingSIPWhitespace().lowercased()
            guard name == "content-length" || name == "l" else { continue }
            guard let value = Int(line[line.index(after: colon)...].trimmingSIPWhitespace()), value >= 0 else { throw .badContentLength }
            return value
        }
        throw .badContentLength
    }
}
