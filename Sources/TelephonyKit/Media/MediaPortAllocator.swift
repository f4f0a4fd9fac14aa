import Synchronization

/// Binds UDP media sockets on ports from a configured range, round-robin, skipping ports in use.
public final class MediaPortAllocator: Sendable {
    /// The address media sockets bind to and SDP announces.
    public let host: String
    /// The port range (inclusive).
    public let range: ClosedRange<Int>
    private let cursor: Mutex<Int>

    /// Receive buffer of each media socket: at 20 ms per packet it holds seconds of one call's
    /// media, so a process that is scheduled late loses nothing.
    static let receiveBufferSize = 262_144

    /// Creates an allocator.
    public init(host: String, range: ClosedRange<Int>) {
        self.host = host
        self.range = range
        cursor = Mutex(range.lowerBound)
    }

    private func nextPort() -> Int {
        cursor.withLock { value in
            let port = value
            value = value >= range.upperBound ? range.lowerBound : value + 1
            return port
        }
    }

    /// Binds a media socket, trying each port of the range at most once.
    func bind() throws -> MediaSocket {
        guard MediaAddress(ipAddress: host, port: 0) != nil else { throw MediaError.noFreePort("media host \(host) is not an IP address") }
        var lastError: (any Error)?
        for _ in 0..<range.count {
            do {
                return try MediaSocket.bind(host: host, port: nextPort(), receiveBufferSize: Self.receiveBufferSize)
            } catch {
                lastError = error
            }
        }
        throw MediaError.noFreePort(lastError.map { "\($0)" } ?? "empty range")
    }
}

/// Media set-up failures.
public enum MediaError: Error, Sendable {
    /// Every port of the range is taken.
    case noFreePort(String)
}
