/// Reads raw RFC 5322 bytes into a `ParsedMail` (the SMTP gateway provides one over GMime).
public protocol MailParser: Sendable {
    /// Parses a message; throws when the bytes are not a message at all.
    func parse(_ raw: [UInt8]) throws -> ParsedMail
}
