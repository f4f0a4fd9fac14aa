import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A bearer-token client for a `pagewire-web` process on loopback (the REST API `/v1`).
struct APIClient {
    let base: URL
    let token: String

    struct Response {
        let status: Int
        let headers: [String: String]
        let body: Data
        /// The body as a JSON object; empty when it is not one.
        var object: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }

    func send(_ method: String, _ path: String, json: String? = nil) async throws -> Response {
        var request = URLRequest(url: URL(string: path, relativeTo: base)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(json.utf8)
        }
        request.timeoutInterval = 60
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers[String(describing: key).lowercased()] = String(describing: value) }
        return Response(status: http.statusCode, headers: headers, body: data)
    }

    func get(_ path: String) async throws -> Response { try await send("GET", path) }
}
