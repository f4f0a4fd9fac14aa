import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Binds UDP media sockets on ports from a configured range, round-robin, skipping ports in use.
public final class MediaPortAllocator: Sendable {
    /// The address media sockets bind to and SDP announces.
    public let host: String
    /// The port range (inclusive).
    public let range: ClosedRange<Int>
    private let cursor: Mutex<Int>

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

    /// Binds a datagram channel on `loop` with `handler`, trying each port of the range at most once.
    func bind(on loop: any EventLoop, handler: @escaping @Sendable () -> any ChannelHandler) async throws -> any Channel {
        var lastError: (any Error)?
        for _ in 0..<range.count {
            let port = nextPort()
            do {
                return try await DatagramBootstrap(group: loop)
                    .channelOption(.socketOption(.so_rcvbuf), value: 262_144)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler()) }
                    }
                    .bind(host: host, port: port).get()
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

/// Hands datagrams of one media socket to its call on the loop.
final class MediaDatagramHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    /// Set once the call owning the socket exists; confined to the loop.
    var onDatagram: ((ByteBuffer, SocketAddress) -> Void)?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        onDatagram?(envelope.data, envelope.remoteAddress)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {}
}
