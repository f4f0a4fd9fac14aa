import Logging
import NIOCore
import NIOPosix
import SIP

/// SIP over TCP (RFC 3261 §18): the agent listens on TCP at its UDP address too, reaches trunks
/// configured with transport `tcp` over one reused connection per peer, and answers requests on
/// the connection they came in on. Messages are framed by Content-Length (`SIPStreamFramer`).
extension SIPUserAgent {
    /// Sends to `destination` over TCP from now on (a trunk with transport `tcp`).
    public func useTCP(toward destination: SocketAddress) {
        loop.preconditionInEventLoop()
        streamPeers.insert(destination)
    }

    /// Open TCP connections (accepted and ours).
    public var tcpConnectionCount: Int { streamChannels.count }

    /// Binds the TCP listener on the UDP socket's address and port; a failure leaves UDP only.
    func listenTCP() async {
        do {
            let listener = try await ServerBootstrap(group: loop)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(SIPStreamTransport(agent: self)) }
                }
                .bind(host: configuration.host, port: port).get()
            try await loop.submit { self.streamListener = listener }.get()
        } catch {
            logger.warning("SIP over TCP not available", metadata: ["sip.port": "\(port)", "sip.error": "\(error)"])
        }
    }

    /// Writes on the peer's connection, connecting first when there is none (messages wait for it).
    func sendStream(_ message: SIPMessage, to destination: SocketAddress) {
        if let channel = streamChannels[destination] {
            channel.writeAndFlush(channel.allocator.buffer(bytes: message.bytes), promise: nil)
            return
        }
        if streamPending[destination] != nil {
            streamPending[destination]!.append(message)
            return
        }
        streamPending[destination] = [message]
        streamConnectionsOpened += 1
        ClientBootstrap(group: loop)
            .connectTimeout(.seconds(5))
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(SIPStreamTransport(agent: self)) }
            }
            .connect(to: destination)
            .whenComplete { [self] result in
                if case .failure(let error) = result {
                    // The transactions' timers report the failure (timeout, 408).
                    logger.info("SIP over TCP: connection failed", metadata: ["sip.destination": "\(destination)", "sip.error": "\(error)"])
                    streamPending[destination] = nil
                }
            }
    }

    /// A connection is up (ours or accepted): file it under the far end's address and send what waited.
    func streamConnected(_ channel: any Channel, remote: SocketAddress) {
        streamChannels[remote] = channel
        for message in streamPending.removeValue(forKey: remote) ?? [] {
            channel.write(channel.allocator.buffer(bytes: message.bytes), promise: nil)
        }
        channel.flush()
    }

    /// A connection closed: the next message to that peer opens a new one.
    func streamClosed(_ channel: any Channel, remote: SocketAddress?) {
        guard let remote, streamChannels[remote] === channel else { return }
        streamChannels[remote] = nil
    }
}

/// The handler under each SIP TCP connection: frames the stream and hands messages to the agent.
final class SIPStreamTransport: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let agent: SIPUserAgent
    private var framer = SIPStreamFramer()
    private var remote: SocketAddress?

    init(agent: SIPUserAgent) { self.agent = agent }

    func channelActive(context: ChannelHandlerContext) {
        remote = context.channel.remoteAddress
        if let remote { agent.streamConnected(context.channel, remote: remote) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        agent.streamClosed(context.channel, remote: remote)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let remote else { return }
        let buffer = unwrapInboundIn(data)
        do {
            for message in try framer.append(buffer.readableBytesView) {
                agent.receive(bytes: message, from: remote, overStream: true)
            }
        } catch {
            // Framing is lost: nothing after this point can be trusted.
            agent.logger.info("SIP over TCP: unframable stream, closing", metadata: ["sip.source": "\(remote)", "sip.error": "\(error)"])
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        agent.logger.debug("SIP TCP connection error", metadata: ["sip.error": "\(error)"])
        context.close(promise: nil)
    }
}
