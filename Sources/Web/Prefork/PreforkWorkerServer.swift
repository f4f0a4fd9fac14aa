import Foundation
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A worker's HTTP server on a listening socket it inherited from the master.
///
/// The accept loop is our own (one thread: `poll` on the shared socket, then a non-blocking
/// `accept4`; losing the race to another worker is normal). Each accepted socket is handed to
/// NIO as a connected channel and served by Hummingbird's `HTTP1Channel`. This sidesteps NIO's
/// server channel, whose debug-build assertion trips when several processes accept on one socket.
///
/// Graceful shutdown stops accepting, asks every open connection to quiesce (idle keep-alive
/// connections close, busy ones finish their response first) and returns when all have closed.
final class PreforkWorkerServer: Service, Sendable {
    let listenDescriptor: Int32
    /// Written one byte once the accept loop runs; -1 when nobody waits for it.
    let readyDescriptor: Int32
    let channel: HTTP1Channel
    /// Shared with the responder, which reports each request a connection starts.
    let connections: OpenConnections
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger

    init(listenDescriptor: Int32, readyDescriptor: Int32, channel: HTTP1Channel, connections: OpenConnections, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.listenDescriptor = listenDescriptor
        self.readyDescriptor = readyDescriptor
        self.channel = channel
        self.connections = connections
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    func run() async throws {
        let acceptor = try Acceptor(listenDescriptor: listenDescriptor)
        let (sockets, continuation) = AsyncStream.makeStream(of: Int32.self)
        let thread = Thread { acceptor.loop(continuation) }
        thread.name = "pagewire-accept"
        thread.start()
        if readyDescriptor >= 0 {
            var byte: UInt8 = 1
            _ = write(readyDescriptor, &byte, 1)
            close(readyDescriptor)
        }
        let connections = connections
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await socket in sockets {
                    group.addTask { await self.serve(socket, connections) }
                }
                connections.quiesceAll()
            }
        } onGracefulShutdown: {
            acceptor.stop()
        }
        logger.info("worker drained")
    }

    private func serve(_ socket: Int32, _ connections: OpenConnections) async {
        let setup = channel
        let logger = logger
        do {
            let value = try await ClientBootstrap(group: eventLoopGroup)
                .channelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
                .withConnectedSocket(socket) { channel in setup.setup(channel: channel, logger: logger) }
            connections.add(value.channel)
            await setup.handle(value: value, logger: logger)
            connections.remove(value.channel)
        } catch {
            logger.debug("connection setup failed: \(error)")
        }
    }

    /// The accept thread: waits on the listening socket and a wake-up pipe.
    final class Acceptor: Sendable {
        let listenDescriptor: Int32
        let wakeRead: Int32
        let wakeWrite: Int32

        init(listenDescriptor: Int32) throws {
            self.listenDescriptor = listenDescriptor
            (wakeRead, wakeWrite) = try ProcessShim.pipe(nonBlocking: true)
        }

        func stop() {
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }

        func loop(_ sockets: AsyncStream<Int32>.Continuation) {
            var fds = [pollfd(fd: listenDescriptor, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            while true {
                fds[0].revents = 0
                fds[1].revents = 0
                let n = poll(&fds, 2, -1)
                if n < 0 {
                    if errno == EINTR { continue }
                    break
                }
                if fds[1].revents != 0 { break }
                guard fds[0].revents != 0 else { continue }
                // Take a few at a time: enough to keep up, few enough that a killed worker loses little.
                for _ in 0..<4 {
                    guard let socket = ProcessShim.accept(listenDescriptor) else { break }
                    sockets.yield(socket)
                }
            }
            // Only this worker's copy: the master and the other workers keep the socket open.
            close(listenDescriptor)
            sockets.finish()
        }
    }

}
