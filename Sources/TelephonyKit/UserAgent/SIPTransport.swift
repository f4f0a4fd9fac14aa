import NIOCore
import SIP

/// The channel handler under a `SIPUserAgent`: hands each UDP datagram to the agent on its loop.
final class SIPTransport: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let agent: SIPUserAgent

    init(agent: SIPUserAgent) { self.agent = agent }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        agent.receive(bytes: Array(envelope.data.readableBytesView), from: envelope.remoteAddress)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // ICMP port unreachable and the like: nothing to do for UDP, the transaction timers cover it.
        agent.logger.debug("SIP socket error", metadata: ["sip.error": "\(error)"])
    }
}
