/// One attachment of an e-mail, decoded (base64 / quoted-printable undone), in message order.
public struct MailAttachment: Sendable, Equatable {
    /// The file name after RFC 2231 / RFC 2047 decoding; may be empty.
    public var name: String
    /// The declared media type, lower case (e.g. `application/pdf`).
    public var contentType: String
    /// The decoded bytes.
    public var bytes: [UInt8]

    /// An attachment.
    public init(name: String, contentType: String, bytes: [UInt8]) {
        self.name = name
        self.contentType = contentType
        self.bytes = bytes
    }
}
