import Foundation
import Logging

/// Every setting a Pagewire process reads, loaded once at start-up from `config/pagewire.toml`
/// (when present) and `PAGEWIRE_*` environment variables, which win over the file.
///
/// Each key `section.name` has the environment name `PAGEWIRE_SECTION_NAME`
/// (`database.url` → `PAGEWIRE_DATABASE_URL`). An unknown key in the file, a value of the
/// wrong type or out of range, or a missing required value stops start-up with a
/// `ConfigurationError` that names the key.
public struct Configuration: Sendable {
    /// Where the MariaDB server is, as `mariadb://user:password@host:port/database`
    /// (`?socket=/path` to use a unix socket).
    public var databaseURL: DatabaseURL
    /// Connections each process keeps open at most.
    public var databasePoolSize: Int
    /// Root of the shipped resources (`Templates/`, `Migrations/`).
    public var resourcesDirectory: String
    /// Directory for runtime state (keys, spool files); never inside the database.
    public var varDirectory: String
    /// swift-log level for every component.
    public var logLevel: Logger.Level

    public var webHost: String
    public var webPort: Int
    /// HTTP worker processes; 0 means one per core.
    public var webWorkers: Int
    /// The portal's address in e-mailed links (password reset) for accounts without a brand host.
    public var webPublicURL: String

    public var telephonySIPHost: String
    public var telephonySIPPort: Int
    public var telephonyRTPPortMin: Int
    public var telephonyRTPPortMax: Int
    /// UDPTL redundancy depth: how many earlier IFPs each T.38 packet repeats (0 = none).
    public var telephonyUDPTLRedundancy: Int
    /// Seconds an outgoing call may ring before it counts as `no_answer`.
    public var telephonyNoAnswerSeconds: Int
    /// Fax calls one telephony process runs at once, outgoing and incoming together.
    public var telephonyMaxCalls: Int
    /// Seconds a `fax.send` lease lasts; the worker renews it at half-time while the call runs,
    /// so a killed telephony process hands its fax back this soon.
    public var telephonySendLeaseSeconds: Int

    /// Seconds between OPTIONS checks of every active trunk; 0 turns the periodic check off.
    public var telephonyTrunkCheckSeconds: Int

    /// Carrier simulator (`pagewire-telephony simulate`): SIP address and port.
    public var simulatorSIPHost: String
    public var simulatorSIPPort: Int
    /// Carrier simulator media port range.
    public var simulatorRTPPortMin: Int
    public var simulatorRTPPortMax: Int
    /// Where the simulator keeps the faxes it received.
    public var simulatorSpool: String

    /// Path of the platform transit key file (0600, outside the database).
    public var vaultTransitKeyFile: String

    /// Largest request body `/v1` accepts (JSON or multipart with files), in bytes.
    public var apiMaxBodyBytes: Int
    /// Whether webhooks may target loopback and private addresses (tests, closed networks).
    public var webhooksAllowPrivateTargets: Bool
    // E-mail to fax (the SMTP listener of pagewire-jobs).
    /// Whether pagewire-jobs runs the SMTP listener.
    public var smtpEnabled: Bool
    /// Address the SMTP listener binds.
    public var smtpHost: String
    /// Port of the SMTP listener (0 picks a free one).
    public var smtpPort: Int
    /// Host name in the SMTP greeting.
    public var smtpHostname: String
    /// Largest message accepted, in bytes (SIZE; 552 beyond it).
    public var smtpMaxMessageBytes: Int
    /// Seconds of client silence before the listener closes the connection (421).
    public var smtpTimeoutSeconds: Int
    /// Connections open at once from one IP address (0: no limit).
    public var smtpConnectionsPerIP: Int
    /// Messages per minute from one IP address (0: no limit).
    public var smtpMessagesPerMinutePerIP: Int
    /// Messages per minute from one return path (0: no limit).
    public var smtpMessagesPerMinutePerSender: Int
    /// PEM certificate chain for STARTTLS; nil (empty) means STARTTLS is not offered.
    public var smtpTLSCertificateFile: String?
    /// PEM private key for STARTTLS.
    public var smtpTLSPrivateKeyFile: String?

    /// The SMTP relay for notices (`smtp://host:port`, `smtps://…`); nil (empty) sends none.
    public var mailSMTPURL: String?
    /// The envelope and header sender of notices.
    public var mailFrom: String
    /// Relay credentials, when it wants them.
    public var mailSMTPUsername: String?
    public var mailSMTPPassword: String?
    // Inbound delivery (issue 9).
    /// Tries each inbound delivery route gets before it counts as failed.
    public var inboundRouteAttempts: Int
    /// Seconds before the first retry of an inbound route; each next retry waits twice as long (at most an hour).
    public var inboundRetryBaseSeconds: Int
    /// PEM bundle of the certificate authorities HTTPS delivery targets are checked against; nil: the system's.
    public var inboundHTTPSCAFile: String?

    /// Identity (issue 11): the `iss` of the platform's access tokens and OpenID configuration
    /// (the public base URL of the web portal, no trailing slash).
    public var oauthIssuer: String
    /// Least seconds between two fetches of an external issuer's keys (a token with an unknown
    /// `kid` triggers one at most this often).
    public var oauthExternalKeysMinRefreshSeconds: Int
    /// Seconds a verified app token is reused without verifying it again (0: never).
    public var oauthVerifiedTokenCacheSeconds: Int
    /// Seconds between scheduled rotations of the platform's token signing key by `pagewire-jobs`
    /// (0: never rotated on a schedule).
    public var oauthSigningKeyRotationSeconds: Int
    /// `/oauth/token` requests per minute naming one client id (0: no limit).
    public var oauthTokenRequestsPerMinutePerClient: Int
    /// `/oauth/token` requests per minute from one client address (0: no limit).
    public var oauthTokenRequestsPerMinutePerIP: Int
    /// Whether a company's single sign-on issuer may resolve to a loopback or private address
    /// (tests, closed networks); otherwise a tenant could make the platform probe its own network.
    public var oauthAllowPrivateIssuers: Bool

    /// The keys a configuration may contain, with their defaults; `nil` means required.
    static let keys: [Key] = [
        Key("database.url", default: nil, secret: true),
        Key("database.pool_size", default: "8"),
        Key("paths.resources", default: "Resources"),
        Key("paths.var", default: "var"),
        Key("log.level", default: "info"),
        Key("web.host", default: "127.0.0.1"),
        Key("web.port", default: "8080"),
        Key("web.workers", default: "0"),
        Key("web.public_url", default: "http://localhost:8080"),
        Key("telephony.sip_host", default: "127.0.0.1"),
        Key("telephony.sip_port", default: "5060"),
        Key("telephony.rtp_port_min", default: "20000"),
        Key("telephony.rtp_port_max", default: "29999"),
        Key("telephony.udptl_redundancy", default: "3"),
        Key("telephony.no_answer_seconds", default: "55"),
        Key("telephony.max_calls", default: "100"),
        Key("telephony.send_lease_seconds", default: "45"),

        Key("telephony.trunk_check_seconds", default: "60"),
        Key("simulator.sip_host", default: "127.0.0.1"),
        Key("simulator.sip_port", default: "5080"),
        Key("simulator.rtp_port_min", default: "30000"),
        Key("simulator.rtp_port_max", default: "30999"),
        Key("simulator.spool", default: "var/simulator"),
        Key("vault.transit_key_file", default: "var/keys/transit.key"),
        Key("api.max_body_bytes", default: "26214400"),
        Key("webhooks.allow_private_targets", default: "false"),
        Key("smtp.enabled", default: "true"),
        Key("smtp.host", default: "127.0.0.1"),
        Key("smtp.port", default: "2525"),
        Key("smtp.hostname", default: "pagewire.local"),
        Key("smtp.max_message_bytes", default: "26214400"),
        Key("smtp.timeout_seconds", default: "300"),
        Key("smtp.connections_per_ip", default: "20"),
        Key("smtp.messages_per_minute_per_ip", default: "120"),
        Key("smtp.messages_per_minute_per_sender", default: "60"),
        Key("smtp.tls_certificate_file", default: ""),
        Key("smtp.tls_private_key_file", default: ""),
        Key("mail.smtp_url", default: ""),
        Key("mail.from", default: "fax@pagewire.local"),
        Key("mail.smtp_username", default: ""),
        Key("mail.smtp_password", default: "", secret: true),
        Key("inbound.route_attempts", default: "8"),
        Key("inbound.retry_base_seconds", default: "30"),
        Key("inbound.https_ca_file", default: ""),

        Key("oauth.issuer", default: "http://127.0.0.1:8080"),
        Key("oauth.external_keys_min_refresh_seconds", default: "30"),
        Key("oauth.verified_token_cache_seconds", default: "10"),
        Key("oauth.signing_key_rotation_seconds", default: "2592000"),
        Key("oauth.token_requests_per_minute_per_client", default: "60"),
        Key("oauth.token_requests_per_minute_per_ip", default: "300"),
        Key("oauth.allow_private_issuers", default: "false"),
    ]

    struct Key: Sendable {
        let name: String
        let defaultValue: String?
        let secret: Bool
        init(_ name: String, default defaultValue: String?, secret: Bool = false) {
            self.name = name
            self.defaultValue = defaultValue
            self.secret = secret
        }
        var environmentName: String {
            "PAGEWIRE_" + name.uppercased().replacingOccurrences(of: ".", with: "_")
        }
    }

    /// The raw values after merging file and environment, kept to describe the configuration.
    let values: [String: (value: String, origin: String)]

    /// Loads the configuration from `file` (skipped when it does not exist and was not asked for
    /// explicitly) and the environment.
    public static func load(
        file: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> Configuration {
        let explicitFile = file ?? environment["PAGEWIRE_CONFIG"]
        let path = explicitFile ?? "config/pagewire.toml"
        var fileValues: [String: String] = [:]
        if FileManager.default.fileExists(atPath: path) {
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw .unreadableFile(path: path, reason: "\(error)")
            }
            do { fileValues = try TOMLSubset.parse(text) } catch {
                throw .malformedFile(path: path, reason: error.description)
            }
        } else if explicitFile != nil {
            throw .unreadableFile(path: path, reason: "no such file")
        }
        return try Configuration(fileValues: fileValues, filePath: path, environment: environment)
    }

    /// Builds a configuration from already-parsed file values and an environment.
    public init(
        fileValues: [String: String],
        filePath: String = "config/pagewire.toml",
        environment: [String: String]
    ) throws(ConfigurationError) {
        let known = Set(Self.keys.map(\.name))
        if let unknown = fileValues.keys.sorted().first(where: { !known.contains($0) }) {
            throw .unknownKey(unknown, origin: filePath)
        }
        var merged: [String: (value: String, origin: String)] = [:]
        for key in Self.keys {
            if let v = environment[key.environmentName] {
                merged[key.name] = (v, key.environmentName)
            } else if let v = fileValues[key.name] {
                merged[key.name] = (v, filePath)
            } else if let v = key.defaultValue {
                merged[key.name] = (v, "default")
            } else {
                throw .missing(key.name, environmentName: key.environmentName)
            }
        }
        self.values = merged
        let reader = Reader(values: merged)
        databaseURL = try reader.read("database.url") { try DatabaseURL(parsing: $0) }
        databasePoolSize = try reader.integer("database.pool_size", in: 1...512)
        resourcesDirectory = try reader.string("paths.resources")
        varDirectory = try reader.string("paths.var")
        logLevel = try reader.read("log.level") { text in
            guard let level = Logger.Level(rawValue: text) else {
                throw ReasonError("expected one of trace, debug, info, notice, warning, error, critical")
            }
            return level
        }
        webHost = try reader.string("web.host")
        webPort = try reader.integer("web.port", in: 0...65535)
        webWorkers = try reader.integer("web.workers", in: 0...256)
        webPublicURL = try reader.read("web.public_url") { text -> String in
            guard (text.hasPrefix("https://") || text.hasPrefix("http://")), URL(string: text)?.host != nil else {
                throw ReasonError("use the portal's address, e.g. https://fax.example.com")
            }
            return text
        }
        telephonySIPHost = try reader.string("telephony.sip_host")
        telephonySIPPort = try reader.integer("telephony.sip_port", in: 0...65535)
        telephonyRTPPortMin = try reader.integer("telephony.rtp_port_min", in: 1024...65534)
        telephonyRTPPortMax = try reader.integer("telephony.rtp_port_max", in: 1025...65535)
        guard telephonyRTPPortMin < telephonyRTPPortMax else {
            throw .invalid("telephony.rtp_port_max", reason: "must be greater than telephony.rtp_port_min")
        }
        telephonyUDPTLRedundancy = try reader.integer("telephony.udptl_redundancy", in: 0...8)
        telephonyNoAnswerSeconds = try reader.integer("telephony.no_answer_seconds", in: 5...300)
        telephonyMaxCalls = try reader.integer("telephony.max_calls", in: 1...5_000)
        telephonySendLeaseSeconds = try reader.integer("telephony.send_lease_seconds", in: 4...3_600)

        telephonyTrunkCheckSeconds = try reader.integer("telephony.trunk_check_seconds", in: 0...86_400)
        simulatorSIPHost = try reader.string("simulator.sip_host")
        simulatorSIPPort = try reader.integer("simulator.sip_port", in: 0...65535)
        simulatorRTPPortMin = try reader.integer("simulator.rtp_port_min", in: 1024...65534)
        simulatorRTPPortMax = try reader.integer("simulator.rtp_port_max", in: 1025...65535)
        guard simulatorRTPPortMin < simulatorRTPPortMax else {
            throw .invalid("simulator.rtp_port_max", reason: "must be greater than simulator.rtp_port_min")
        }
        simulatorSpool = try reader.string("simulator.spool")
        vaultTransitKeyFile = try reader.string("vault.transit_key_file")
        apiMaxBodyBytes = try reader.integer("api.max_body_bytes", in: 1024...1_073_741_824)
        webhooksAllowPrivateTargets = try reader.boolean("webhooks.allow_private_targets")
        smtpEnabled = try reader.boolean("smtp.enabled")
        smtpHost = try reader.string("smtp.host")
        smtpPort = try reader.integer("smtp.port", in: 0...65535)
        smtpHostname = try reader.string("smtp.hostname")
        smtpMaxMessageBytes = try reader.integer("smtp.max_message_bytes", in: 1024...(1 << 30))
        smtpTimeoutSeconds = try reader.integer("smtp.timeout_seconds", in: 1...3600)
        smtpConnectionsPerIP = try reader.integer("smtp.connections_per_ip", in: 0...100_000)
        smtpMessagesPerMinutePerIP = try reader.integer("smtp.messages_per_minute_per_ip", in: 0...1_000_000)
        smtpMessagesPerMinutePerSender = try reader.integer("smtp.messages_per_minute_per_sender", in: 0...1_000_000)
        smtpTLSCertificateFile = try reader.read("smtp.tls_certificate_file") { $0.isEmpty ? nil : $0 }
        smtpTLSPrivateKeyFile = try reader.read("smtp.tls_private_key_file") { $0.isEmpty ? nil : $0 }
        guard (smtpTLSCertificateFile == nil) == (smtpTLSPrivateKeyFile == nil) else {
            throw .invalid("smtp.tls_private_key_file", reason: "set both smtp.tls_certificate_file and smtp.tls_private_key_file, or neither")
        }
        mailSMTPURL = try reader.read("mail.smtp_url") { text -> String? in
            guard !text.isEmpty else { return nil }
            guard text.hasPrefix("smtp://") || text.hasPrefix("smtps://") else { throw ReasonError("use smtp://host:port or smtps://host:port") }
            return text
        }
        mailFrom = try reader.string("mail.from")
        mailSMTPUsername = try reader.read("mail.smtp_username") { $0.isEmpty ? nil : $0 }
        mailSMTPPassword = try reader.read("mail.smtp_password") { $0.isEmpty ? nil : $0 }
        inboundRouteAttempts = try reader.integer("inbound.route_attempts", in: 1...50)
        inboundRetryBaseSeconds = try reader.integer("inbound.retry_base_seconds", in: 1...3600)
        inboundHTTPSCAFile = try reader.read("inbound.https_ca_file") { $0.isEmpty ? nil : $0 }

        oauthIssuer = try reader.read("oauth.issuer") { text -> String in
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil, !text.hasSuffix("/") else {
                throw ReasonError("an http(s) URL without a trailing slash, e.g. https://fax.example.com")
            }
            return text
        }
        oauthExternalKeysMinRefreshSeconds = try reader.integer("oauth.external_keys_min_refresh_seconds", in: 1...86400)
        oauthVerifiedTokenCacheSeconds = try reader.integer("oauth.verified_token_cache_seconds", in: 0...300)
        oauthSigningKeyRotationSeconds = try reader.integer("oauth.signing_key_rotation_seconds", in: 0...(366 * 86400))
        oauthTokenRequestsPerMinutePerClient = try reader.integer("oauth.token_requests_per_minute_per_client", in: 0...1_000_000)
        oauthTokenRequestsPerMinutePerIP = try reader.integer("oauth.token_requests_per_minute_per_ip", in: 0...1_000_000)
        oauthAllowPrivateIssuers = try reader.boolean("oauth.allow_private_issuers")
    }

    /// One line per key with its value and where it came from; secrets are masked.
    public var effectiveDescription: [String] {
        Self.keys.map { key in
            let entry = values[key.name]!
            let shown: String
            if key.name == "database.url" {
                shown = databaseURL.masked
            } else if key.secret {
                shown = "********"
            } else {
                shown = entry.value
            }
            return "\(key.name) = \(shown) (\(entry.origin))"
        }
    }

    /// Logs the effective configuration, one line per key, secrets masked.
    public func log(to logger: Logger) {
        for line in effectiveDescription { logger.info("config \(line)") }
    }
}

struct ReasonError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

private struct Reader {
    let values: [String: (value: String, origin: String)]

    func read<T>(_ key: String, _ convert: (String) throws -> T) throws(ConfigurationError) -> T {
        let entry = values[key]!
        do {
            return try convert(entry.value)
        } catch let error as ReasonError {
            throw .invalid(key, reason: "\(error.reason) (from \(entry.origin))")
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw .invalid(key, reason: "\(error) (from \(entry.origin))")
        }
    }

    func string(_ key: String) throws(ConfigurationError) -> String {
        try read(key) { text in
            guard !text.isEmpty else { throw ReasonError("must not be empty") }
            return text
        }
    }

    func boolean(_ key: String) throws(ConfigurationError) -> Bool {
        try read(key) { text in
            switch text.lowercased() {
            case "true", "yes", "1", "on": return true
            case "false", "no", "0", "off": return false
            default: throw ReasonError("'\(text)' is not true or false")
            }
        }
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        try read(key) { text in
            guard let n = Int(text) else { throw ReasonError("'\(text)' is not a whole number") }
            guard range.contains(n) else { throw ReasonError("\(n) is outside \(range.lowerBound)...\(range.upperBound)") }
            return n
        }
    }
}

/// Why a configuration could not be loaded; every case names the key or file at fault.
public enum ConfigurationError: Error, CustomStringConvertible, Equatable {
    case unreadableFile(path: String, reason: String)
    case malformedFile(path: String, reason: String)
    case unknownKey(String, origin: String)
    case missing(String, environmentName: String)
    case invalid(String, reason: String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason): "configuration file \(path) cannot be read: \(reason)"
        case .malformedFile(let path, let reason): "configuration file \(path) is malformed: \(reason)"
        case .unknownKey(let key, let origin): "unknown configuration key '\(key)' in \(origin)"
        case .missing(let key, let env): "configuration key '\(key)' is required (set it in the file or \(env))"
        case .invalid(let key, let reason): "configuration key '\(key)' is invalid: \(reason)"
        }
    }
}
