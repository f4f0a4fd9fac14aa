import Hummingbird
import Logging
import NIOPosix
import PagewireCore

/// The routes every worker serves, the portal and the REST API `/v1`; the executable and the tests both call this.
///
/// The portal's middleware (brand, session, CSRF, error pages) leaves `/v1` alone
/// (`Portal.isAPIPath`); the API group has its own problem documents and bearer authentication.
func buildRouter(configuration: Configuration, database: Database, vault: Vault, logger: Logger) async throws -> Router<PortalRequestContext> {
    let router = Router(context: PortalRequestContext.self)
    let portal = try await Portal.load(configuration: configuration, database: database, vault: vault)
    portal.addMiddleware(to: router)
    router.get("/healthz") { _, _ in "ok\n" }
    try APIController(configuration: configuration, database: database, vault: vault).addRoutes(to: router)
    portal.addRoutes(to: router)
    return router
}

/// The same routes served by Hummingbird's own server on `web.host:web.port` (API tests run it live).
func buildApplication(configuration: Configuration, database: Database, vault: Vault, logger: Logger) async throws -> some ApplicationProtocol {
    let router = try await buildRouter(configuration: configuration, database: database, vault: vault, logger: logger)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.webHost, port: configuration.webPort)),
        logger: logger
    )
}

/// A worker's server on an inherited (or, in tests, freshly bound) listening socket.
func buildWorkerServer(
    configuration: Configuration, database: Database, vault: Vault, logger: Logger,
    listenDescriptor: Int32, readyDescriptor: Int32 = -1
) async throws -> PreforkWorkerServer {
    let router = try await buildRouter(configuration: configuration, database: database, vault: vault, logger: logger)
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
