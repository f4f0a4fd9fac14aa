import Foundation

/// The real OpenID Connect provider of the identity tests: django-oidc-provider under
/// `Tests/WebAPITests/Fixtures/oidc_provider/idp.py`, on a loopback port the kernel picks (read
/// from its first line of output), with a fresh SQLite database of its own. The API and the
/// portal's browser tests share it.
public final class OIDCProvider: @unchecked Sendable {
    let process: Process
    let directory: String
    /// `http://127.0.0.1:<port>/openid`
    public let issuer: String
    /// The discovery document's URL.
    public var metadataURL: String { issuer + "/.well-known/openid-configuration" }

    /// The fixture script (`idp.py`).
    public static var script: String { TestDatabase.repositoryRoot + "/Tests/WebAPITests/Fixtures/oidc_provider/idp.py" }
    /// The Python of the test virtual environment.
    public static var python: String {
        ProcessInfo.processInfo.environment["PAGEWIRE_TEST_PYTHON"] ?? TestDatabase.repositoryRoot + "/var/venv-test/bin/python"
    }

    private init(process: Process, directory: String, issuer: String) {
        self.process = process
        self.directory = directory
        self.issuer = issuer
    }

    /// Starts the provider and waits for its issuer line; `IDP_EXTRA_CLIENT` in `extra` adds a client
    /// ("id secret redirect_uri [post_logout_redirect_uri]").
    public static func start(environment extra: [String: String] = [:]) async throws -> OIDCProvider {
        let directory = NSTemporaryDirectory() + "pw-idp-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "serve", directory]
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in extra { environment[k] = v }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let handle = pipe.fileHandleForReading
        let line: String = try await withCheckedThrowingContinuation { continuation in
            Thread {
                var buffer: [UInt8] = []
                while !buffer.contains(10) {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    buffer += chunk
                }
                continuation.resume(returning: String(decoding: buffer, as: UTF8.self))
            }.start()
        }
        guard let issuer = line.split(separator: "\n").first.flatMap({ $0.hasPrefix("IDP_ISSUER=") ? String($0.dropFirst(11)) : nil }) else {
            process.terminate()
            throw FixtureError.didNotStart(line)
        }
        return OIDCProvider(process: process, directory: directory, issuer: issuer)
    }

    /// An ID token for `client` after signing in as `username` (the authorization code flow).
    public func idToken(client: String = "pagewire-app", secret: String = "pagewire-app-secret", username: String = "alice", password: String = "alice-idp-pw") async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [Self.script, "token", issuer, client, secret, username, password]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output: String = await withCheckedContinuation { continuation in
            Thread {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }.start()
        }
        let token = output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, token.split(separator: ".").count == 3 else { throw FixtureError.noToken(output) }
        return token
    }

    /// Signs in as `username` and follows `authorizeURL`; returns the callback's query items.
    public func authorize(_ authorizeURL: String, username: String = "alice", password: String = "alice-idp-pw") async throws -> [String: String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [Self.script, "code", authorizeURL, username, password]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output: String = await withCheckedContinuation { continuation in
            Thread {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }.start()
        }
        var items: [String: String] = [:]
        for item in URLComponents(string: "?" + output.trimmingCharacters(in: .whitespacesAndNewlines))?.queryItems ?? [] { items[item.name] = item.value }
        return items
    }

    /// Replaces the provider's signing key; returns the new key id.
    public func rotateSigningKey() async throws -> String {
        let answer = try await Curl.post(url: issuer.replacingOccurrences(of: "/openid", with: "") + "/test-control/rotate", headers: [], body: [])
        let object = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
        return object?["kid"] as? String ?? ""
    }

    /// How many times the provider served its JWKS.
    public func jwksRequests() async throws -> Int {
        let answer = try await Curl.get(url: issuer.replacingOccurrences(of: "/openid", with: "") + "/test-control/stats")
        return (try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])?["jwks_requests"] as? Int ?? -1
    }

    /// Stops the provider and removes its files.
    public func stop() {
        if process.isRunning {
            // SIGKILL: the test process may run with SIGTERM ignored, which children inherit.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { stop() }

    /// Why the fixture failed.
    public enum FixtureError: Error { case didNotStart(String), noToken(String) }
}
