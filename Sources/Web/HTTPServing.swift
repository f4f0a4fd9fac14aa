import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Turns a Hummingbird responder into the child channel a worker serves connections with.
enum HTTPServing {
    static func channel<Responder: HTTPResponder>(responder: Responder, connections: OpenConnections, logger: Logger) -> HTTP1Channel
    where Responder.Context: RequestContext, Responder.Context.Source == ApplicationRequestContextSource {
        HTTP1Channel(
            responder: { request, writer, channel in
                connections.requestStarted(on: channel)
                let context = Responder.Context(source: .init(channel: channel, logger: logger))
                let response: Response
                do {
                    response = try await responder.respond(to: request, context: context)
                } catch {
                    logger.error("unhandled error: \(String(reflecting: type(of: error)))")
                    response = Response(status: .internalServerError)
                }
                try await writer.write(response: response.head, body: response.body)
            },
            configuration: .init(idleTimeout: .seconds(60))
        )
    }
}
