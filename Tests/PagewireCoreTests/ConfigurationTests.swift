import Foundation
import PagewireCore
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    let url = "mariadb://pagewire:s3cr3t@127.0.0.1:3307/pagewire"

    @Test func environmentWinsOverTheFileAndSecretsAreMasked() throws {
        let config = try Configuration(
            fileValues: ["database.url": "mariadb://x:y@db.example:3306/other", "web.port": "9000", "log.level": "debug"],
            environment: ["PAGEWIRE_DATABASE_URL": url, "PAGEWIRE_WEB_WORKERS": "3"])
        #expect(config.databaseURL == DatabaseURL(user: "pagewire", password: "s3cr3t", host: "127.0.0.1", port: 3307, database: "pagewire"))
        #expect(config.webPort == 9000 && config.webWorkers == 3 && config.logLevel == .debug)
        let described = config.effectiveDescription.joined(separator: "\n")
        #expect(!described.contains("s3cr3t"))
        #expect(described.contains("database.url = mariadb://pagewire:********@127.0.0.1:3307/pagewire (PAGEWIRE_DATABASE_URL)"))
        #expect(described.contains("web.port = 9000 (config/pagewire.toml)"))
        #expect(described.contains("web.host = 127.0.0.1 (default)"))
    }

    @Test(arguments: [
        ([String: String](), [String: String](), ConfigurationError.missing("database.url", environmentName: "PAGEWIRE_DATABASE_URL")),
        (["web.prot": "80"], ["PAGEWIRE_DATABASE_URL": "mariadb://a:b@h/d"], .unknownKey("web.prot", origin: "config/pagewire.toml")),
        ([:], ["PAGEWIRE_DATABASE_URL": "mariadb://a:b@h/d", "PAGEWIRE_WEB_PORT": "eighty"],
         .invalid("web.port", reason: "'eighty' is not a whole number (from PAGEWIRE_WEB_PORT)")),
        ([:], ["PAGEWIRE_DATABASE_URL": "mariadb://a:b@h/d", "PAGEWIRE_WEB_PORT": "70000"],
         .invalid("web.port", reason: "70000 is outside 0...65535 (from PAGEWIRE_WEB_PORT)")),
        ([:], ["PAGEWIRE_DATABASE_URL": "postgres://a:b@h/d"],
         .invalid("database.url", reason: "expected mariadb://user:password@host:port/database (from PAGEWIRE_DATABASE_URL)")),
        ([:], ["PAGEWIRE_DATABASE_URL": "mariadb://a:b@h/d;DROP"],
         .invalid("database.url", reason: "database name may hold only letters, digits and _ (from PAGEWIRE_DATABASE_URL)")),
        ([:], ["PAGEWIRE_DATABASE_URL": "mariadb://a:b@h/d", "PAGEWIRE_LOG_LEVEL": "loud"],
         .invalid("log.level", reason: "expected one of trace, debug, info, notice, warning, error, critical (from PAGEWIRE_LOG_LEVEL)")),
        ([:], ["PAGEWIRE_DATABASE_URL": "mariadb://a:b@h/d", "PAGEWIRE_TELEPHONY_RTP_PORT_MIN": "30000", "PAGEWIRE_TELEPHONY_RTP_PORT_MAX": "20000"],
         .invalid("telephony.rtp_port_max", reason: "must be greater than telephony.rtp_port_min")),
    ])
    func invalidOrMissingValuesNameTheirKey(file: [String: String], env: [String: String], expected: ConfigurationError) {
        #expect(throws: expected) { try Configuration(fileValues: file, environment: env) }
    }

    @Test func readsTheTOMLFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID()).toml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
            # comment
            [database]
            url = "\(url)"   # trailing comment
            pool_size = 12

            [web]
            host = '0.0.0.0'
            port = 8_443
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let config = try Configuration.load(file: path, environment: [:])
        #expect(config.databasePoolSize == 12 && config.webHost == "0.0.0.0" && config.webPort == 8443)
    }

    @Test(arguments: [
        ("[database\nurl = \"x\"", "line 1: malformed table header"),
        ("[web]\nport = [80, 81]", "line 2: arrays and inline tables are not supported here"),
        ("[web]\nhost = \"unterminated", "line 2: unterminated string"),
        ("[web]\nhost = bare words", "line 2: invalid value 'bare words' (strings need quotes)"),
        ("[web]\nport = 1\nport = 2", "line 3: duplicate key 'web.port'"),
        ("just text", "line 1: expected key = value"),
    ])
    func malformedFilesSayWhere(text: String, reason: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID()).toml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.malformedFile(path: path, reason: reason)) {
            try Configuration.load(file: path, environment: [:])
        }
    }

    @Test func anExplicitFileMustExist() {
        #expect(throws: ConfigurationError.unreadableFile(path: "/nonexistent/pagewire.toml", reason: "no such file")) {
            try Configuration.load(file: nil, environment: ["PAGEWIRE_CONFIG": "/nonexistent/pagewire.toml"])
        }
    }
}
