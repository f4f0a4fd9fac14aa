import Foundation
import Hummingbird
import HummingbirdTesting
import PagewireCore
import Synchronization
import Testing

/// A test client that records every response, so the fixture can check each one against the
/// OpenAPI document when the test ends.
final class RecordingClient: TestClientProtocol {
    let base: any TestClientProtocol
    private let lines = Mutex<[String]>([])

    init(_ base: any TestClientProtocol) { self.base = base }

    var port: Int? { base.port }

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        let response = try await base.executeRequest(uri: uri, method: method, headers: headers, body: body)
        let contentType = response.headers[.contentType] ?? ""
        let record: [String: Any] = [
            "method": method.rawValue, "path": uri, "status": response.status.code, "content_type": contentType,
            "body": contentType.contains("json") ? String(buffer: response.body) : "",
        ]
        let data = try JSONSerialization.data(withJSONObject: record)
        lines.withLock { $0.append(String(decoding: data, as: UTF8.self)) }
        return response
    }

    var recorded: [String] { lines.withLock { $0 } }
}

/// Runs scripts/lib/openapi_check.py (openapi-spec-validator + jsonschema, from the venv that
/// scripts/test makes) over recorded responses; records a test issue for every mismatch.
enum OpenAPIConformance {
    static var specPath: String { TestDatabase.repositoryRoot + "/Resources/OpenAPI/pagewire-v1.json" }

    static func check(_ records: [String], requireCoverage: Bool, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let python = ProcessInfo.processInfo.environment["PAGEWIRE_TEST_PYTHON"] ?? TestDatabase.repositoryRoot + "/var/venv-test/bin/python"
        let file = NSTemporaryDirectory() + "pw-openapi-" + String(UInt64.random(in: 0...UInt64.max), radix: 36) + ".jsonl"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try records.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let run = try CommandRun.run(
            python, [TestDatabase.repositoryRoot + "/scripts/lib/openapi_check.py", specPath, file] + (requireCoverage ? ["--require-coverage"] : []))
        #expect(run.status == 0, "OpenAPI conformance:\n\(run.output)", sourceLocation: sourceLocation)
    }
}
