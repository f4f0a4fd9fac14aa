import Hummingbird
import Logging
import PagewireCore

/// Builds the HTTP application; the executable and the tests both call this.
func buildApplication(configuration: Configuration, logger: Logger) -> some ApplicationProtocol {
    let router = Router()
    router.get("/healthz") { _, _ in "ok\n" }
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.webHost, port: configuration.webPort)),
        logger: logger
    )
}
