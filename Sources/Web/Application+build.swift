import Hummingbird
import Logging
import PagewireCore

/// Builds the HTTP application; the executable and the tests both call this.
func buildApplication(configuration: Configuration, database: Database, vault: Vault, logger: Logger) throws -> some ApplicationProtocol {
    let router = Router()
    router.get("/healthz") { _, _ in "ok\n" }
    try APIController(configuration: configuration, database: database, vault: vault).addRoutes(to: router)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.webHost, port: configuration.webPort)),
        logger: logger
    )
}
