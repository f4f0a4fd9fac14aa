import NIOCore

/// Closes a connection that stayed silent for the read timeout (RFC 5321 §4.5.3.2), after
/// telling the client with a 421.
final class SMTPIdleTimeout: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let hostname: String

    init(hostname: String) {
        self.hostname = hostname
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        let reply = context.channel.allocator.buffer(string: "421 4.4.2 \(hostname) timeout: no command received, closing connection\r\n")
        context.writeAndFlush(wrapOutboundOut(reply)).whenComplete { _ in context.close(promise: nil) }
    }
}
