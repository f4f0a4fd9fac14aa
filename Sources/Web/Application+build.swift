import Hummingbird
import Logging
import NIOPosix
import PagewireCore

/// The routes every worker serves; the executable and the tests both call this.
func buildRouter(configuration: Configuration, database: Database, logger: Logger) async throws -> Router<PortalRequestContext> {
    let router = Router(context: PortalRequestContext.self)
    let portal = try await Portal.load(configuration: configuration, database: database)
    portal.addMiddleware(to: router)
    router.get("/healthz") { _, _ in "ok\n" }
    portal.addRoutes(to: router)
    return router
}

/// A worker's server on an inherited (or, in tests, freshly bound) listening socket.
func buildWorkerServer(
    configuration: Configuration, database: Database, logger: Logger,
    listenDescriptor: Int32, readyDescriptor: Int32 = -1
) async throws -> PreforkWorkerServer {
    let router = try await buildRouter(configuration: configuration, database: database, logger: logger)
    let connections = OpenConnections()
    return PreforkWorkerServer(
        listenDescriptor: listenDescriptor,
        readyDescriptor: readyDescriptor,
        channel: HTTPServing.channel(responder: router.buildResponder(), connections: connections, logger: logger),
        connections: connections,
        eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
        logger: logger
    )
}
