/// What T.30 reports about a transfer so far: after negotiation, after each page and at the end.
public struct FaxTransferStatistics: Sendable, Equatable {
    /// Pages transferred completely in our direction (sent when sending, received when receiving).
    public var pages: Int
    /// Pages in the document being sent, or nil when unknown (receiving).
    public var pagesInDocument: Int?
    /// The image-data bit rate in use (2,400 … 14,400).
    public var bitRate: Int
    /// Whether error correction mode is in use.
    public var ecm: Bool
    /// The far end's identifier (its CSID when we send, its TSI when we receive); empty if it sent none.
    public var remoteIdentifier: String
    /// Rows received with errors on the most recent page (non-ECM only).
    public var badRows: Int
    /// The longest run of consecutive bad rows on the most recent page.
    public var longestBadRowRun: Int
    /// Width of the most recent page in pixels.
    public var width: Int
    /// Length of the most recent page in rows.
    public var length: Int
    /// Horizontal resolution of the most recent page, pixels per metre.
    public var xResolution: Int
    /// Vertical resolution of the most recent page, pixels per metre.
    public var yResolution: Int
    /// HDLC frame retransmissions under ECM.
    public var ecmRetries: Int

    /// Statistics before anything happened.
    public static let empty = FaxTransferStatistics(
        pages: 0, pagesInDocument: nil, bitRate: 0, ecm: false, remoteIdentifier: "",
        badRows: 0, longestBadRowRun: 0, width: 0, length: 0, xResolution: 0, yResolution: 0, ecmRetries: 0
    )
}
