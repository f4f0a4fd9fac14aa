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
