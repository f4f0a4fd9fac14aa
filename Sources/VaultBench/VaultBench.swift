import Foundation
import PagewireCore

/// `scripts/benchmarks/vault.sh`: document vault put+get throughput, against writing and reading
/// the same bytes unencrypted as 1 MiB chunks in a similar table, in one run on one server.
///
///     VaultBench --database-url mariadb://user:pw@127.0.0.1:3409 --migrations Resources/Migrations
///                [--size 2097152] [--rounds 60]
@main
struct VaultBench {
    struct Options {
        var databaseURL = ""
        var migrations = "Resources/Migrations"
        var size = 2 * 1024 * 1024
        var rounds = 60

        init(_ arguments: [String]) throws {
            var it = arguments.dropFirst().makeIterator()
            while let flag = it.next() {
                guard let value = it.next() else { throw BenchError("\(flag) needs a value") }
                switch flag {
                case "--database-url": databaseURL = value
                case "--migrations": migrations = value
                case "--size": size = try Int(value).orThrow("--size must be a number")
                case "--rounds": rounds = try Int(value).orThrow("--rounds must be a number")
                default: throw BenchError("unknown option \(flag)")
                }
            }
            guard !databaseURL.isEmpty else { throw BenchError("--database-url is required") }
        }
    }

    struct BenchError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func main() async {
        do {
            try await run(Options(CommandLine.arguments))
        } catch {
            FileHandle.standardError.write(Data("vault bench failed: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ options: Options) async throws {
        // setup: a fresh database, one company with a vault, a transit key in a temporary directory
        let url = try DatabaseURL(parsing: options.databaseURL).with(database: "pw_bench_vault")
        try Migrator.recreateDatabase(url)
        let database = Database(url: url, maxConnections: 2)
        try await Migrator(directory: options.migrations).migrate(database)
        let directory = NSTemporaryDirectory() + "pw-vault-bench-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let vault = Vault(
            database: database, transit: try TransitKeyring.loadOrCreate(path: directory + "/transit.key"), kdfParameters: .testing)
        let companyID = try await setUpCompany(database: database, vault: vault)
        let user = try await vault.keyring.unlockUser(userID: companyID.user, password: "bench")
        let key = try await vault.keyring.unlockCompany(companyID: companyID.company, with: user)
        try await database.withConnection { c in
            try c.run("""
                CREATE TABLE bench_plain_documents (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
                    company_id BIGINT UNSIGNED NOT NULL, state VARCHAR(16) NOT NULL, byte_count BIGINT UNSIGNED NOT NULL,
                    chunk_count INT UNSIGNED NOT NULL, created_at DATETIME(6) NOT NULL) ENGINE = InnoDB
                """)
            try c.run("""
                CREATE TABLE bench_plain_chunks (document_id BIGINT UNSIGNED NOT NULL, n INT UNSIGNED NOT NULL,
                    bytes MEDIUMBLOB NOT NULL, PRIMARY KEY (document_id, n)) ENGINE = InnoDB
                """)
        }
        let bytes = (0..<options.size).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        let reader = DocumentReader.user(key, actor: .user(companyID.user, label: "bench"))
        let company = companyID.company

        // act: both sides every round, so drift on a shared machine hits them alike
        var ours = Duration.zero, plain = Duration.zero, oursPutTime = Duration.zero, plainPutTime = Duration.zero
        let clock = ContinuousClock()
        for round in 0..<(options.rounds + 3) {
            let warmUp = round < 3
            // Which side goes first alternates, so neither always meets a warmer server.
            var t1 = Duration.zero, t2 = Duration.zero, p1 = Duration.zero, p2 = Duration.zero
            var doc: StoredDocument?, plainID: Int64 = 0
            for side in (round % 2 == 0 ? [0, 1] : [1, 0]) {
                let start = clock.now
                if side == 0 {
                    let stored = try await vault.documents.put(
                        companyID: company, accountID: company, kind: .original, contentType: "application/pdf", bytes: bytes)
                    p1 = clock.now - start
                    let back = try await vault.documents.read(stored.id, companyID: company, reader: reader)
                    t1 = clock.now - start
                    guard back == bytes else { throw BenchError("vault round trip differs") }
                    doc = stored
                } else {
                    plainID = try await plainPut(database: database, companyID: company, bytes: bytes)
                    p2 = clock.now - start
                    let plainBack = try await plainGet(database: database, companyID: company, id: plainID)
                    t2 = clock.now - start
                    guard plainBack == bytes else { throw BenchError("plain round trip differs") }
                }
            }
            if !warmUp { ours += t1; plain += t2; oursPutTime += p1; plainPutTime += p2 }
            // Not timed: keep the tables the same size every round.
            if let doc { try await vault.documents.delete(doc.id, companyID: company, actor: .system("bench")) }
            try await database.execute("DELETE FROM bench_plain_chunks WHERE document_id = ?", plainID)
            try await database.execute("DELETE FROM bench_plain_documents WHERE id = ?", plainID)
        }

        // check + report
        let megabytes = Double(options.size * options.rounds) / 1_000_000
        let oursRate = megabytes / ours.seconds
        let plainRate = megabytes / plain.seconds
        print(String(format: "vault put+get: %d rounds of %d bytes in %.3f s = %.1f MB/s", options.rounds, options.size, ours.seconds, oursRate))
        print(String(format: "plain INSERT/SELECT of 1 MiB chunks: %.3f s = %.1f MB/s", plain.seconds, plainRate))
        print(String(format: "of which put: vault %.3f s, plain %.3f s; get: vault %.3f s, plain %.3f s",
                     oursPutTime.seconds, plainPutTime.seconds, (ours - oursPutTime).seconds, (plain - plainPutTime).seconds))
        print(String(format: "BENCH vault value=%.1f unit=MB/s ratio=%.2f reference=plain_1MiB_chunk_INSERT_SELECT_same_server", oursRate, oursRate / plainRate))
        await database.shutdown()
        try DatabaseConnection(url: url.with(database: "")).run("DROP DATABASE IF EXISTS `pw_bench_vault`")
    }

    static func setUpCompany(database: Database, vault: Vault) async throws -> (company: Int64, user: Int64) {
        let now = Date()
        let platform = Int64(try await database.execute(
            "INSERT INTO accounts (kind, name, path, created_at) VALUES ('platform', 'Bench', '/bench-p/', ?)", now).lastInsertID)
        try await database.execute("UPDATE accounts SET path = ? WHERE id = ?", "/\(platform)/", platform)
        let company = Int64(try await database.execute(
            "INSERT INTO accounts (parent_id, kind, name, path, created_at) VALUES (?, 'company', 'Bench Co', '/bench-c/', ?)",
            platform, now).lastInsertID)
        try await database.execute("UPDATE accounts SET path = ?, company_id = ? WHERE id = ?", "/\(platform)/\(company)/", company, company)
        let user = Int64(try await database.execute(
            "INSERT INTO users (account_id, username, email, created_at) VALUES (?, 'bench', 'bench@example.test', ?)",
            company, now).lastInsertID)
        try await vault.keyring.enroll(userID: user, password: "bench")
        _ = try await vault.keyring.createVault(companyID: company, firstAdminUserID: user, actor: .system("bench"))
        return (company, user)
    }

    /// The reference write: the same row shape and statements as the vault, without encryption.
    static func plainPut(database: Database, companyID: Int64, bytes: [UInt8]) async throws -> Int64 {
        try await database.transaction { c in
            let id = Int64(try c.execute(
                "INSERT INTO bench_plain_documents (company_id, state, byte_count, chunk_count, created_at) VALUES (?, 'writing', 0, 0, ?)",
                companyID, Date()).lastInsertID)
            var n = 0
            for start in stride(from: 0, to: bytes.count, by: DocumentStore.chunkSize) {
                try c.execute(
                    "INSERT INTO bench_plain_chunks (document_id, n, bytes) VALUES (?, ?, ?)",
                    id, n, Array(bytes[start..<min(start + DocumentStore.chunkSize, bytes.count)]))
                n += 1
            }
            try c.execute(
                "UPDATE bench_plain_documents SET state = 'stored', byte_count = ?, chunk_count = ? WHERE id = ? AND company_id = ?",
                bytes.count, n, id, companyID)
            return id
        }
    }

    /// The reference read: header, then one SELECT per chunk, as the vault reads.
    static func plainGet(database: Database, companyID: Int64, id: Int64) async throws -> [UInt8] {
        let header = try await database.query(
            "SELECT chunk_count FROM bench_plain_documents WHERE id = ? AND company_id = ?", id, companyID)
        let count: Int = try header[0].get("chunk_count")
        var out: [UInt8] = []
        for n in 0..<count {
            let rows = try await database.query("SELECT bytes FROM bench_plain_chunks WHERE document_id = ? AND n = ?", id, n)
            out += try rows[0].get("bytes", as: [UInt8].self)
        }
        return out
    }
}

extension Optional {
    fileprivate func orThrow(_ message: String) throws -> Wrapped {
        guard let self else { throw VaultBench.BenchError(message) }
        return self
    }
}

extension Duration {
    fileprivate var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
