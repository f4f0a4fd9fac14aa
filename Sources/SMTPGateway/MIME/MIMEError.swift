/// Why GMime could not read a message.
public enum MIMEError: Error, Equatable, CustomStringConvertible {
    /// The bytes are not an RFC 5322 message at all.
    case notAMessage
    /// More MIME containers than any mail client writes: a parser-stack attack.
    case tooManyContainers(Int)

    /// The reason in words.
    public var description: String {
        switch self {
        case .notAMessage: "the data is not an e-mail message"
        case .tooManyContainers(let n): "the message has more than \(n) nested or multipart MIME containers"
        }
    }
}
