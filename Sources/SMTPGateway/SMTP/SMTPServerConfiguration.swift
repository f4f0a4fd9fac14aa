import Foundation
import PagewireCore

/// How the SMTP listener behaves; built from `Configuration` (`smtp.*`) by `pagewire-jobs`.
public struct SMTPServerConfiguration: Sendable {
    /// Address to listen on.
    public var host: String
    /// Port; 0 picks a free one (tests).
    public var port: Int
    /// The name in the greeting and replies.
    public var hostname: String
    /// Largest message accepted (SIZE, 552 beyond it).
    public var maxMessageBytes: Int
    /// Recipients per message (452 beyond it, so the client sends the rest separately).
    public var maxRecipients: Int
    /// Seconds of silence before the connection is closed with 421.
    public var readTimeout: TimeAmountSeconds
    /// Longest line in octets without CRLF (RFC 5321: 998 for text, 510 for commands).
    public var maxLineLength: Int
    /// Rate limits.
    public var limits: SMTPRateLimiter.Limits
    /// PEM certificate chain and private key for STARTTLS; nil: STARTTLS is not offered.
    public var tls: (certificateFile: String, privateKeyFile: String)?

    /// Seconds as a plain integer (kept NIO-free for callers).
    public typealias TimeAmountSeconds = Int

    /// A configuration.
    public init(
        host: String = "127.0.0.1", port: Int = 2525, hostname: String = "pagewire.local", maxMessageBytes: Int = 25 << 20,
        maxRecipients: Int = 100, readTimeout: Int = 300, maxLineLength: Int = 998, limits: SMTPRateLimiter.Limits = .init(),
        tls: (certificateFile: String, privateKeyFile: String)? = nil
    ) {
        self.tls = tls
        self.host = host
        self.port = port
        self.hostname = hostname
        self.maxMessageBytes = maxMessageBytes
        self.maxRecipients = maxRecipients
        self.readTimeout = readTimeout
        self.maxLineLength = maxLineLength
        self.limits = limits
    }
}

extension SMTPServerConfiguration {
    /// The listener settings of a process configuration (`smtp.*`).
    public init(_ configuration: Configuration) {
        self.init(
            host: configuration.smtpHost, port: configuration.smtpPort, hostname: configuration.smtpHostname,
            maxMessageBytes: configuration.smtpMaxMessageBytes, readTimeout: configuration.smtpTimeoutSeconds,
            limits: SMTPRateLimiter.Limits(
                connectionsPerIP: configuration.smtpConnectionsPerIP, messagesPerIP: configuration.smtpMessagesPerMinutePerIP,
                messagesPerSender: configuration.smtpMessagesPerMinutePerSender, window: 60),
            tls: configuration.smtpTLSCertificateFile.flatMap { cert in configuration.smtpTLSPrivateKeyFile.map { (cert, $0) } })
    }
}
