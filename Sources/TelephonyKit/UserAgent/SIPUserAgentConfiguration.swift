import NIOCore

/// How a `SIPUserAgent` listens and identifies itself.
public struct SIPUserAgentConfiguration: Sendable {
    /// Address to bind and to put in Via and Contact (an IP literal).
    public var host: String
    /// UDP port to bind; 0 lets the system choose.
    public var port: Int
    /// The user part of our Contact.
    public var contactUser: String
    /// The User-Agent / Server header value.
    public var product: String
    /// RFC 3261 timer values.
    public var timers: SIPTimers
    /// Datagrams accepted per second from one source address; more are dropped.
    public var floodLimitPerSecond: Int
    /// Also listen for SIP over TCP on the same address and port (RFC 3261 requires both).
    public var listenTCP = true

    /// Creates a configuration.
    public init(host: String = "127.0.0.1", port: Int = 0, contactUser: String = "pagewire", product: String = "Pagewire",
                timers: SIPTimers = SIPTimers(), floodLimitPerSecond: Int = 10_000) {
        self.host = host
        self.port = port
        self.contactUser = contactUser
        self.product = product
        self.timers = timers
        self.floodLimitPerSecond = floodLimitPerSecond
    }
}

/// How SIP reaches a peer.
public enum SIPTransportKind: String, Sendable {
    /// Datagrams (the default; retransmissions by the transaction timers).
    case udp
    /// A TCP connection, reused for every message to that peer; messages framed by Content-Length.
    case tcp

    /// The kind a trunk's `transport` column names (anything but `tcp` is UDP).
    public init(trunkTransport: String) { self = trunkTransport.lowercased() == "tcp" ? .tcp : .udp }
}
