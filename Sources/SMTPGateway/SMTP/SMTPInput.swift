import NIOCore

/// One line from an SMTP client, without its line ending.
public enum SMTPLine: Sendable, Equatable {
    /// A complete line.
    case line(ByteBuffer)
    /// A line longer than the limit; its bytes were discarded as they arrived.
    case tooLong
}

/// The lines one read brought (in order, so a 100 KB message crosses into the session in a few
/// steps rather than line by line) and the decoder generation that read them: STARTTLS puts a new decoder (epoch + 1)
/// behind TLS, and the session drops every line of an older epoch, so plain text pipelined or
/// injected behind STARTTLS is never taken as if it came through TLS (CVE-2011-0411).
public struct SMTPInput: Sendable, Equatable {
    /// The lines, at least one.
    public var lines: [SMTPLine]
    /// The decoder generation: 0 before STARTTLS, 1 after.
    public var epoch: Int
}
