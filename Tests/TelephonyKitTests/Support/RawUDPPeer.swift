import NIOCore
import NIOPosix
import SIP

/// A bare UDP socket for wire-level tests: sends exact bytes and waits for datagrams.
final class RawUDPPeer: @unchecked Sendable {
    let channel: any Channel
    private let stream: AsyncStream<(bytes: [UInt8], from: SocketAddress)>
    private var iterator: AsyncStream<(bytes: [UInt8], from: SocketAddress)>.AsyncIterator

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let continuation: AsyncStream<(bytes: [UInt8], from: SocketAddress)>.Continuation
        init(_ continuation: AsyncStream<(bytes: [UInt8], from: SocketAddress)>.Continuation) { self.continuation = continuation }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            continuation.yield((Array(envelope.data.readableBytesView), envelope.remoteAddress))
        }
    }

    init(group: any EventLoopGroup) async throws {
        let (stream, continuation) = AsyncStream.makeStream(of: (bytes: [UInt8], from: SocketAddress).self)
        self.stream = stream
        iterator = stream.makeAsyncIterator()
        channel = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Handler(continuation)) } }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    var port: Int { channel.localAddress?.port ?? 0 }

    func send(_ bytes: [UInt8], to port: Int) async throws {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: channel.allocator.buffer(bytes: bytes)))
    }

    func send(_ text: String, to port: Int) async throws { try await send(Array(text.utf8), to: port) }

    func send(_ message: SIPMessage, to port: Int) async throws { try await send(message.bytes, to: port) }

    /// The next request that is not a retransmission of `previous` (same CSeq): under load the
    /// agent's timers may resend a request before our answer reaches it.
    func nextMessage(after previous: SIPMessage, within seconds: Int = 30) async -> SIPMessage? {
        while let message = await nextMessage(within: seconds) {
            if message.cseq?.number != previous.cseq?.number || message.callID != previous.callID { return message }
        }
        return nil
    }

    /// The next SIP message, skipping anything unparsable; nil after `seconds` (a failure for the caller).
    func nextMessage(within seconds: Int = 30) async -> SIPMessage? {
        await withTaskGroup(of: SIPMessage?.self) { group in
            group.addTask { [self] in
                while let datagram = await iterator.next() {
                    if let message = try? SIPMessage(parsing: datagram.bytes) { return message }
                }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    func close() async { try? await channel.close() }
}
