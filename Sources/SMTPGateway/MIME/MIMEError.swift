/// Why GMime could not read a message.
public enum MIMEError: Error, Equatable, CustomStringConvertible {
    /// The bytes are not an RFC 5322 message at all.
    case notAMessage

    /// The reason in words.
    public var description: String {
        switch self {
        case .notAMessage: "the data is not an e-mail message"
        }
    }
}
