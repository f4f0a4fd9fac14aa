import Foundation
import Logging

/// What every Pagewire process does before its services start: read the configuration once,
/// set up logging, and say what it is running with (secrets masked).
public struct ProcessEnvironment: Sendable {
    public let configuration: Configuration
    public let logger: Logger

    /// Loads the configuration and bootstraps swift-log for the process named `component`.
    /// A configuration error is printed naming its key and ends the process with status 78 (EX_CONFIG).
    public static func start(component: String, configFile: String? = nil) -> ProcessEnvironment {
        let configuration: Configuration
        do {
            configuration = try Configuration.load(file: configFile)
        } catch {
            FileHandle.standardError.write(Data("\(component): \(error.description)\n".utf8))
            exit(78)
        }
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "pagewire.\(component)")
        logger[metadataKey: "component"] = .string(component)
        logger.info("starting pagewire-\(component) \(PagewireVersion.string)")
        configuration.log(to: logger)
        return ProcessEnvironment(configuration: configuration, logger: logger)
    }
}
