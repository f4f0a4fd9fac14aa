import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PagewireCore
import ServiceLifecycle

/// The e-mail-to-fax SMTP listener of `pagewire-jobs` (in production behind the operator's MTA).
/// Each connection is one `SMTPSession`; a connection that fails never affects the others.
public struct SMTPServer: Service {
    /// Listener settings.
    public let configuration: SMTPServerConfiguration
    /// Recipient checks and durable storage.
    public let intake: MailIntake
    let limiter: SMTPRateLimiter
    let logger: Logger
    let onBound: @Sendable (Int) -> Void

    /// A server; `onBound` receives the port once listening (useful with port 0).
    public init(configuration: SMTPServerConfiguration, intake: MailIntake, logger: Logger, onBound: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.configuration = configuration
        self.intake = intake
        self.limiter = SMTPRateLimiter(limits: configuration.limits, database: intake.database)
        self.logger = logger
        self.onBound = onBound
    }

    /// Listens until the task is cancelled or a graceful shutdown starts.
    public func run() async throws {
        let configuration = self.configuration
        let tls = try configuration.tls.map { files in
            let chain = try NIOSSLCertificate.fromPEMFile(files.certificateFile)
            let key = try NIOSSLPrivateKey(file: files.privateKeyFile, format: .pem)
            return try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
        }
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: .seconds(Int64(configuration.readTimeout))))
                    try sync.addHandler(SMTPIdleTimeout(hostname: configuration.hostname))
                    // Room for a text line of maxLineLength plus dot-stuffing; longer lines are reported, not buffered.
                    try sync.addHandler(ByteToMessageHandler(SMTPLineDecoder(maxLength: configuration.maxLineLength + 2, epoch: 0)))
                    return try NIOAsyncChannel<SMTPInput, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let port = server.channel.localAddress?.port ?? configuration.port
        logger.info("smtp listening", metadata: ["smtp.host": "\(configuration.host)", "smtp.port": "\(port)"])
        onBound(port)
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingDiscardingTaskGroup { group in
                    try await server.executeThenClose { connections in
                        for try await connection in connections {
                            group.addTask { await self.serve(connection, tls: tls) }
                        }
                    }
                }
            }
        } catch {
            // Stopping on SIGTERM cancels the accept loop: that is a clean end, not a failure.
            guard Task.isShuttingDownGracefully || Task.isCancelled else { throw error }
        }
        logger.info("smtp listener stopped")
    }

    private func serve(_ connection: NIOAsyncChannel<SMTPInput, ByteBuffer>, tls: NIOSSLContext?) async {
        let ip = connection.channel.remoteAddress?.ipAddress ?? "unknown"
        let admitted = await limiter.connectionOpened(ip: ip)
        do {
            try await connection.executeThenClose { inbound, outbound in
                guard admitted else {
                    try await outbound.write(ByteBuffer(string: SMTPReply(421, "4.7.0", "too many connections from \(ip); try again later").wire))
                    return
                }
                var session = SMTPSession(configuration: configuration, intake: intake, limiter: limiter, clientIP: ip, logger: logger)
                try await outbound.write(ByteBuffer(string: session.greeting.wire))
                var epoch = 0
                reading: for try await input in inbound {
                    // Plain text that came behind STARTTLS, before TLS was in place: never read it.
                    guard input.epoch == epoch else { continue }
                    var pending = ""
                    for line in input.lines {
                        let (replies, close) = await session.handle(line)
                        if session.upgradeRequested, let tls {
                            session.upgradeRequested = false
                            epoch += 1
                            if !pending.isEmpty { try await outbound.write(ByteBuffer(string: pending)) }
                            try await startTLS(connection.channel, context: tls, reply: replies.map(\.wire).joined(), epoch: epoch)
                            continue reading  // the rest of this read came in plain text behind STARTTLS
                        }
                        pending += replies.map(\.wire).joined()
                        if close {
                            if !pending.isEmpty { try await outbound.write(ByteBuffer(string: pending)) }
                            break reading
                        }
                    }
                    // Replies to pipelined commands go out together, in order.
                    if !pending.isEmpty { try await outbound.write(ByteBuffer(string: pending)) }
                }
            }
        } catch {
            // Early disconnects and resets end here; nothing was acknowledged, so nothing is lost.
            logger.debug("smtp connection ended", metadata: ["smtp.client": "\(ip)", "error": "\(error)"])
        }
        if admitted { await limiter.connectionClosed(ip: ip) }
    }

    /// In one event-loop turn, so no byte can slip between: the 220 goes out in plain text, the
    /// old decoder is replaced by one of the next epoch, and TLS goes in front of everything.
    private func startTLS(_ channel: any Channel, context: NIOSSLContext, reply: String, epoch: Int) async throws {
        let maxLength = configuration.maxLineLength + 2
        try await channel.eventLoop.submit {
            channel.writeAndFlush(ByteBuffer(string: reply), promise: nil)
            let sync = channel.pipeline.syncOperations
            let old = try sync.handler(type: ByteToMessageHandler<SMTPLineDecoder>.self)
            let timeout = try sync.handler(type: SMTPIdleTimeout.self)
            try sync.addHandler(ByteToMessageHandler(SMTPLineDecoder(maxLength: maxLength, epoch: epoch)), position: .after(timeout))
            sync.removeHandler(old, promise: nil)
            try sync.addHandler(NIOSSLServerHandler(context: context), position: .first)
        }.get()
    }
}
