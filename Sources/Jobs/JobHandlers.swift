import Logging
import PagewireCore

/// The work kinds `pagewire-jobs` runs; each later issue adds its handlers here.
enum JobHandlers {
    static func all(database: Database, configuration: Configuration, logger: Logger) -> [any WorkHandler] {
        []
    }
}
