import Foundation
import Logging
import PagewireCore
import SMTPGateway

/// `scripts/bench smtp`: messages per second the e-mail-to-fax listener accepts (each stored
/// durably in the vault before its 250), against a private Postfix accepting the same messages
/// into a Maildir, with the same client (8 connections, one 100 KB PDF per message) in one run.
///
///     SMTPBench --database-url URL --migrations DIR --load smtp_load.py --postfix scripts/lib/postfix_instance.sh
///               [--messages 400] [--clients 8] [--postfix-port N (default: a free port the kernel picks)]
@main
struct SMTPBench {
    struct Options {
        var databaseURL = ""
        var migrations = "Resources/Migrations"
        var load = "scripts/benchmarks/smtp_load.py"
        var postfix = "scripts/lib/postfix_instance.sh"
        var messages = 400
        var clients = 8
        var postfixPort = 0

        init(_ arguments: [String]) throws {
            var it = arguments.dropFirst().makeIterator()
            while let flag = it.next() {
                guard let value = it.next() else { throw BenchError("\(flag) needs a value") }
                switch flag {
                case "--database-url": databaseURL = value
                case "--migrations": migrations = value
                case "--load": load = value
                case "--postfix": postfix = value
                case "--messages": messages = try number(value, flag)
                case "--clients": clients = try number(value, flag)
                case "--postfix-port": postfixPort = try number(value, flag)
                default: throw BenchError("unknown option \(flag)")
                }
            }
            guard !databaseURL.isEmpty else { throw BenchError("--database-url is required") }
        }

        private func number(_ text: String, _ flag: String) throws -> Int {
            guard let n = Int(text), n > 0 else { throw BenchError("\(flag) must be a positive number") }
            return n
        }
    }

    struct BenchError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    struct LoadResult: Decodable {
        let accepted: Int
        let refused: Int
        let seconds: Double
        var rate: Double { Double(accepted) / seconds }
    }

    static func main() async {
        do {
            try await run(Options(CommandLine.arguments))
        } catch {
            FileHandle.standardError.write(Data("smtp bench failed: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ options: Options) async throws {
        // setup: a fresh database, one company with a vault, a fax domain and a registered sender
        let url = try DatabaseURL(parsing: options.databaseURL).with(database: "pw_bench_smtp")
        try Migrator.recreateDatabase(url)
        var logger = Logger(label: "bench.smtp")
        logger.logLevel = .warning
        let database = Database(url: url, maxConnections: options.clients * 2 + 2, logger: logger)
        try await Migrator(directory: options.migrations, logger: logger).migrate(database)
        let directory = NSTemporaryDirectory() + "pw-smtp-bench-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let vault = Vault(database: database, transit: try TransitKeyring.loadOrCreate(path: directory + "/transit.key"), kdfParameters: .testing)
        let accounts = AccountRepository(database: database)
        let users = UserRepository(database: database, passwordParameters: .testing)
        let platform = try await accounts.create(platformName: "Bench")
        let company = try await accounts.create(kind: .company, name: "Bench Co", parentID: platform.id, scope: platform.scope)
        let owner = try await users.create(accountID: company.id, email: "owner@bench.example", password: "bench", scope: company.scope)
        try await vault.keyring.enroll(userID: owner.id, password: "bench")
        _ = try await vault.keyring.createVault(companyID: company.id, firstAdminUserID: owner.id, actor: .user(owner.id, label: "bench"))
        try await FaxDomainRepository(database: database).add("bench.fax.test", companyID: company.id, scope: company.scope)
        let intake = MailIntake(
            database: database, documents: vault.documents, parser: GMimeMessageParser(), classifier: FaxAttachmentClassifier(), logger: logger)
        let limits = SMTPRateLimiter.Limits(connectionsPerIP: 0, messagesPerIP: 0, messagesPerSender: 0)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = SMTPServer(
            configuration: SMTPServerConfiguration(host: "127.0.0.1", port: 0, hostname: "bench.test", limits: limits),
            intake: intake, logger: logger) { continuation.yield($0) }
        let running = Task { try await server.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw BenchError("the listener did not start") }

        // ours
        let ours = try load(options, port: port)
        running.cancel()
        _ = try? await running.value
        let stored = try await database.query("SELECT COUNT(*) AS n FROM mail_messages")[0].get("n", as: Int.self)
        guard stored == ours.accepted else { throw BenchError("\(ours.accepted) messages got 250 but \(stored) are stored") }

        // reference: Postfix into a Maildir
        // Its own directory: Postfix's users must traverse it (the transit key's directory is 0700).
        let postfixDir = NSTemporaryDirectory() + "pw-smtp-bench-postfix-\(getpid())"
        let postfixPort = try options.postfixPort > 0 ? options.postfixPort : TestPorts.freeTCPPort()
        try shell("/bin/bash", [options.postfix, "mailbox", postfixDir, String(postfixPort), "bench.fax.test"])
        defer {
            try? shell("/bin/bash", [options.postfix, "stop", postfixDir])
            try? FileManager.default.removeItem(atPath: postfixDir)
        }
        try await Task.sleep(for: .milliseconds(500))
        let reference = try load(options, port: postfixPort)
        await database.shutdown()

        let ratio = ours.rate / reference.rate
        print(String(format: "pagewire smtp: %d accepted (%d refused) in %.2f s = %.1f messages/s (stored in the vault before each 250)",
                     ours.accepted, ours.refused, ours.seconds, ours.rate))
        print(String(format: "postfix into a Maildir: %d accepted (%d refused) in %.2f s = %.1f messages/s",
                     reference.accepted, reference.refused, reference.seconds, reference.rate))
        print(String(format: "BENCH smtp value=%.1f unit=messages/s ratio=%.3f reference=postfix-maildir-messages/s=%.1f", ours.rate, ratio, reference.rate))
    }

    static func load(_ options: Options, port: Int) throws -> LoadResult {
        let out = try shell("/usr/bin/python3", [
            options.load, String(port), String(options.messages), String(options.clients), "owner@bench.example", "2065550100@bench.fax.test",
        ])
        return try JSONDecoder().decode(LoadResult.self, from: out)
    }

    @discardableResult
    static func shell(_ executable: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("\(executable) \(arguments.joined(separator: " ")) failed") }
        return data
    }
}
