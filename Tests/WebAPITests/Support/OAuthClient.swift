import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
@testable import Web

/// Calls outside `/v1` (the token endpoint, discovery): they bypass the OpenAPI recording, which
/// covers `/v1` only.
extension TestClientProtocol {
    var unrecorded: any TestClientProtocol { (self as? RecordingClient)?.base ?? self }

    /// `POST /oauth/token` with a form body, authenticated by HTTP Basic when `basic` is given.
    func oauthToken(_ form: [(String, String)], basic: (id: String, secret: String)? = nil) async throws -> TestResponse {
        func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
        let body = form.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let basic {
            headers[.authorization] = "Basic " + Data("\(escape(basic.id)):\(escape(basic.secret))".utf8).base64EncodedString()
        }
        return try await unrecorded.execute(uri: "/oauth/token", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// An access token for the app by client credentials (form authentication).
    func accessToken(clientID: String, secret: String, scope: String? = nil) async throws -> String? {
        var form = [("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", secret)]
        if let scope { form.append(("scope", scope)) }
        return try await oauthToken(form).object["access_token"] as? String
    }
}

extension APIFixture {
    /// Registers an app of company A through the API (as its administrator) and returns the answer.
    func registerApp(_ client: any TestClientProtocol, name: String = "EHR", actingUser: String? = nil,
                     resources: [String] = ["faxws"], extra: String = "") async throws -> (id: Int, clientID: String, secret: String) {
        let body = #"{"name":"\#(name)","acting_user":"\#(actingUser ?? alice.email)","resources":[\#(resources.map { "\"\($0)\"" }.joined(separator: ","))]\#(extra)}"#
        let answer = try await client.call(.post, "/v1/apps", token: adminAToken, json: body)
        guard answer.status == .created, let id = answer.object["id"] as? Int, let clientID = answer.object["client_id"] as? String,
              let secret = answer.object["client_secret"] as? String else {
            throw APIFixtureError.unexpected("app registration answered \(answer.status): \(answer.text)")
        }
        return (id, clientID, secret)
    }
}

enum APIFixtureError: Error { case unexpected(String) }
