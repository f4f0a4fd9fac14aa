import Foundation
import Logging
import PagewireCore
import SMTPGateway

/// A company with a vault, a fax domain and users who may send, another company, and a running
/// SMTP listener on a free loopback port.
struct MailFixture {
    let test: TestDatabase
    let vault: Vault
    let intake: MailIntake
    let port: Int
    let company: Account
    let department: Account
    let otherCompany: Account
    /// Registered through its own e-mail address.
    let sender: User
    /// Registered through an extra sending address (a scanner).
    let scannerUser: User
    /// The platform transit key file, which another process needs to read the stored messages.
    let transitKeyFile: String
    var database: Database { test.database }

    static let domain = "fax.clinic.example"
    static let otherDomain = "fax.other.example"
    static let senderAddress = "roe@clinic.example"
    static let scannerAddress = "scanner-3f@clinic.example"

    static func with<T>(
        smtp: SMTPServerConfiguration = SMTPServerConfiguration(host: "127.0.0.1", port: 0, hostname: "gw.test", maxMessageBytes: 2 << 20),
        spf: (any SPFVerifier)? = nil,
        _ body: (MailFixture) async throws -> T
    ) async throws -> T {
        try await TestDatabase.with { test in
            let directory = NSTemporaryDirectory() + "pw-mail-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let keyFile = directory + "/keys/transit.key"
            let transit = try TransitKeyring.loadOrCreate(path: keyFile)
            let vault = Vault(database: test.database, transit: transit, kdfParameters: .testing)
            let accounts = AccountRepository(database: test.database)
            let users = UserRepository(database: test.database, passwordParameters: .testing)
            let platform = try await accounts.create(platformName: "Pagewire")
            let reseller = try await accounts.create(kind: .reseller, name: "FaxResell", parentID: platform.id, scope: platform.scope)
            let company = try await accounts.create(kind: .company, name: "Clinic", parentID: reseller.id, scope: platform.scope)
            let department = try await accounts.create(kind: .department, name: "Cardiology", parentID: company.id, scope: platform.scope)
            let other = try await accounts.create(kind: .company, name: "Other", parentID: reseller.id, scope: platform.scope)
            for (c, domain) in [(company, domain), (other, otherDomain)] {
                let admin = try await users.create(accountID: c.id, email: "admin@\(c.id).example", password: "admin-pw", scope: c.scope)
                try await vault.keyring.enroll(userID: admin.id, password: "admin-pw")
                _ = try await vault.keyring.createVault(companyID: c.id, firstAdminUserID: admin.id, actor: .user(admin.id, label: "admin"))
                try await FaxDomainRepository(database: test.database).add(domain, companyID: c.id, scope: c.scope)
            }
            let sender = try await users.create(accountID: department.id, email: senderAddress, displayName: "Dr. Jane Roe", password: nil, scope: company.scope)
            let scannerUser = try await users.create(accountID: department.id, email: "front-desk@clinic.example", password: nil, scope: company.scope)
            try await SendingAddressRepository(database: test.database).add(scannerAddress, userID: scannerUser.id, scope: company.scope)

            let intake = MailIntake(
                database: test.database, documents: vault.documents, parser: GMimeMessageParser(),
                classifier: FaxAttachmentClassifier(), spf: spf, logger: Logger(label: "test.mail"))
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let server = SMTPServer(configuration: smtp, intake: intake, logger: Logger(label: "test.smtp")) { continuation.yield($0) }
            let running = Task { try await server.run() }
            defer { running.cancel() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw FixtureError("the SMTP server did not start") }
            let fixture = MailFixture(
                test: test, vault: vault, intake: intake, port: port, company: company, department: department, otherCompany: other,
                sender: sender, scannerUser: scannerUser, transitKeyFile: keyFile)
            let result = try await body(fixture)
            running.cancel()
            _ = try? await running.value
            return result
        }
    }

    struct FixtureError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    // MARK: - Clients

    struct SendResult: Decodable {
        let ok: Bool
        let refused: [String: [JSONScalar]]
        let error: String?
        let code: Int?
        let message: String?
        let esmtp: [String]?
        let tls: String?
        let esmtp_after_tls: [String]?

        func refusal(_ rcpt: String) -> (code: Int, text: String)? {
            guard let r = refused[rcpt], r.count == 2, case .int(let c) = r[0], case .string(let t) = r[1] else { return nil }
            return (c, t)
        }
    }

    enum JSONScalar: Decodable {
        case int(Int), string(String)
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int.self) { self = .int(i) } else { self = .string(try c.decode(String.self)) }
        }
    }

    struct RawResult: Decodable {
        let replies: [String]
        let closed: Bool
        func codes() -> [Int] { replies.compactMap { Int($0.prefix(3)) } }
    }

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/smtp_client.py").path
    }

    /// Sends one scenario message with Python's smtplib.
    func send(from: String, to: [String], scenario: String, envelopeFrom: String? = nil, port: Int? = nil) async throws -> SendResult {
        var args = ["send", String(port ?? self.port), from, to.joined(separator: ","), scenario]
        if let envelopeFrom { args.append(envelopeFrom) }
        return try JSONDecoder().decode(SendResult.self, from: await Self.run("/usr/bin/python3", [Self.script] + args))
    }

    /// Sends one scenario message after STARTTLS, trusting only `certificate`.
    func sendOverTLS(from: String, to: [String], scenario: String, certificate: String) async throws -> SendResult {
        let args = ["send-tls", String(port), from, to.joined(separator: ","), scenario, certificate]
        return try JSONDecoder().decode(SendResult.self, from: await Self.run("/usr/bin/python3", [Self.script] + args))
    }

    /// A self-signed certificate and key (PEM) for the listener, made with openssl.
    static func selfSignedCertificate() async throws -> (certificate: String, key: String) {
        let directory = NSTemporaryDirectory() + "pw-tls-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let cert = directory + "/cert.pem", key = directory + "/key.pem"
        _ = try await run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
            "-days", "2", "-subj", "/CN=gw.test", "-addext", "subjectAltName=DNS:gw.test,IP:127.0.0.1",
        ])
        return (cert, key)
    }

    /// Sends raw bytes chunk by chunk ("<wait>" waits for replies, "<close>" hangs up) and collects replies.
    func raw(_ chunks: [String]) async throws -> RawResult {
        let input = try JSONEncoder().encode(chunks.map { Data($0.utf8).base64EncodedString() })
        return try JSONDecoder().decode(RawResult.self, from: await Self.run("/usr/bin/python3", [Self.script, "raw", String(port)], input: input))
    }

    /// Opens `count` connections at once and returns each greeting line.
    func connections(_ count: Int) async throws -> [String] {
        try JSONDecoder().decode(RawResult.self, from: await Self.run("/usr/bin/python3", [Self.script, "conns", String(port), String(count)])).replies
    }

    /// Runs a client to completion on a GCD thread: blocking a cooperative thread while the client
    /// talks to our own server (which runs on that pool) would stall both on a small machine.
    static func run(_ executable: String, _ arguments: [String], input: Data = Data()) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(executable, arguments, input: input) })
            }
        }
    }

    /// For `defer` blocks, which cannot await.
    static func runBlockingForCleanup(_ executable: String, _ arguments: [String]) throws -> Data {
        try runBlocking(executable, arguments, input: Data())
    }

    private static func runBlocking(_ executable: String, _ arguments: [String], input: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError("\(executable) \(arguments.joined(separator: " ")) failed: \(String(decoding: err, as: UTF8.self))")
        }
        return out
    }

    // MARK: - Processing and inspection

    /// Runs every queued `mail.intake` item as the jobs worker would; returns how many ran.
    @discardableResult
    func processQueuedMail() async throws -> Int {
        let queue = WorkQueue(database: database, owner: "test")
        let handler = MailIntakeHandler(intake: intake)
        var n = 0
        while let item = try await queue.claim(kinds: [MailIntake.processKind]).first {
            try await handler.handle(item)
            try await queue.complete(item)
            n += 1
        }
        return n
    }

    struct Message {
        let id: Int64
        let state: String
        let resultCode: String?
        let detail: String?
        let faxIDs: [Int64]
        let notice: String?
    }

    func messages() async throws -> [Message] {
        try await database.query("SELECT id, state, result_code, detail, fax_ids_json, notice FROM mail_messages ORDER BY id").map { row in
            Message(
                id: try row.get("id"), state: try row.get("state"), resultCode: try row.optional("result_code"),
                detail: try row.optional("detail"),
                faxIDs: try row.optional("fax_ids_json", as: String.self).map { try JSONDecoder().decode([Int64].self, from: Data($0.utf8)) } ?? [],
                notice: try row.optional("notice"))
        }
    }

    func lastMessage() async throws -> Message {
        guard let m = try await messages().last else { throw FixtureError("no mail message stored") }
        return m
    }

    func notices() async throws -> [MailNotice] {
        try await database.query("SELECT payload_json FROM work WHERE kind = ? ORDER BY id", MailNotice.kind).map { row in
            try JSONDecoder().decode(MailNotice.self, from: Data(try row.get("payload_json", as: String.self).utf8))
        }
    }

    func notice(for messageID: Int64) async throws -> MailNotice? {
        try await notices().first { $0.mailMessageID == messageID }
    }

    /// The documents of a fax in order (role, content type, bytes).
    func documents(ofFax faxID: Int64) async throws -> [(role: String, contentType: String, bytes: [UInt8])] {
        var out: [(String, String, [UInt8])] = []
        for row in try await database.query(
            "SELECT fd.role, fd.document_id, d.content_type FROM fax_documents fd JOIN documents d ON d.id = fd.document_id WHERE fd.fax_id = ? ORDER BY fd.role = 'cover' DESC, fd.n",
            faxID)
        {
            let bytes = try await vault.documents.read(try row.get("document_id"), companyID: company.id, reader: .system(purpose: "test"))
            out.append((try row.get("role"), try row.get("content_type"), bytes))
        }
        return out
    }

    func fax(_ id: Int64) async throws -> (number: String, state: String, userID: Int64) {
        let row = try await database.query("SELECT remote_number, state, user_id FROM faxes WHERE id = ?", id)[0]
        return (try row.get("remote_number"), try row.get("state"), try row.get("user_id"))
    }
}
