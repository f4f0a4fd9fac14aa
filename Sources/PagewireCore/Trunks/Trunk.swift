import Foundation

/// A SIP trunk toward a carrier, as the operator configured it.
public struct Trunk: Sendable, Equatable {
    /// Row id.
    public var id: Int64
    /// Unique name shown in attempt logs.
    public var name: String
    /// Inactive trunks are never dialled.
    public var active: Bool
    /// Host (an IP address for now) and port.
    public var host: String
    /// SIP port.
    public var port: Int
    /// `udp` or `tcp`.
    public var transport: String
    /// Digest username, or nil for IP authentication only.
    public var username: String?
    /// Digest password (never logged). Stored wrapped with a platform key, never in clear: a
    /// `TrunkRepository` opened with the platform keys fills it in; without them it reads nil.
    public var password: String?
    /// Seconds of registration to ask for, or nil when the trunk needs no REGISTER.
    public var registerExpires: Int?
    /// Replaces the fax's caller ID when set.
    public var callerIDOverride: String?
    /// Simultaneous calls allowed.
    public var maxChannels: Int
    /// Whether we may request and accept T.38 on this trunk.
    public var t38Allowed: Bool
    /// Whether to offer ECM.
    public var ecm: Bool
    /// Whether V.17 (14,400 bit/s) may be used; otherwise at most V.29 at 9,600.
    public var v17Allowed: Bool
    /// Audio codecs in preference order (`PCMU`, `PCMA`).
    public var codecs: [String]

    /// Creates a trunk description (id 0 until stored).
    public init(id: Int64 = 0, name: String, active: Bool = true, host: String, port: Int = 5060, transport: String = "udp",
                username: String? = nil, password: String? = nil, registerExpires: Int? = nil, callerIDOverride: String? = nil, maxChannels: Int = 30,
                t38Allowed: Bool = true, ecm: Bool = true, v17Allowed: Bool = true, codecs: [String] = ["PCMU", "PCMA"]) {
        self.id = id
        self.name = name
        self.active = active
        self.host = host
        self.port = port
        self.transport = transport
        self.username = username
        self.password = password
        self.registerExpires = registerExpires
        self.callerIDOverride = callerIDOverride
        self.maxChannels = maxChannels
        self.t38Allowed = t38Allowed
        self.ecm = ecm
        self.v17Allowed = v17Allowed
        self.codecs = codecs
    }

    /// `password` holds a clear password only until `TrunkRepository.sealPasswords` wraps it.
    static let columns = "id, name, active, host, port, transport, username, password, password_key_id, password_wrapped, register_expires, caller_id_override, max_channels, t38_allowed, ecm, v17_allowed, codecs"

    init(row: SQLRow) throws {
        self.init(
            id: try row.get("id"), name: try row.get("name"), active: try row.get("active"), host: try row.get("host"),
            port: try row.get("port"), transport: try row.get("transport"), username: try row.optional("username"),
            password: try row.optional("password"), registerExpires: try row.optional("register_expires"), callerIDOverride: try row.optional("caller_id_override"),
            maxChannels: try row.get("max_channels"), t38Allowed: try row.get("t38_allowed"), ecm: try row.get("ecm"),
            v17Allowed: try row.get("v17_allowed"),
            codecs: try row.get("codecs", as: String.self).split(separator: ",").map { String($0) })
    }
}
