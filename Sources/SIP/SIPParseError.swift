/// Why a SIP message, URI or header value could not be read.
///
/// Every parser in this module fails with one of these instead of trapping, whatever bytes
/// arrive from the network.
public enum SIPParseError: Error, Sendable, Equatable {
    /// The datagram or stream message exceeds `SIPMessage.maximumSize`.
    case tooLarge(Int)
    /// The bytes are not UTF-8 text where text is required.
    case notText
    /// The start line is neither a request line nor a status line.
    case badStartLine(String)
    /// A header line has no colon, an empty name, or the header block is unterminated.
    case badHeader(String)
    /// More header lines than `SIPMessage.maximumHeaderCount`.
    case tooManyHeaders
    /// A header line longer than `SIPMessage.maximumLineLength`.
    case lineTooLong
    /// A mandatory header is missing or unusable (Via, From, To, Call-ID, CSeq).
    case missingHeader(String)
    /// Content-Length is not a number or promises more bytes than arrived.
    case badContentLength
    /// A URI that does not follow the sip:/sips: grammar.
    case badURI(String)
    /// An SDP body that cannot be read.
    case badSDP(String)
    /// A binary packet (RTP, UDPTL) that is truncated or malformed.
    case badPacket(String)
}
