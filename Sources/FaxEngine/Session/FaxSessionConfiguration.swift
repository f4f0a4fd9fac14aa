import Foundation

/// Everything a `FaxSession` needs to know before the call starts.
///
/// One configuration describes one side of one call: whether this side placed the call, whether
/// it sends a document or receives one, and the T.30 capabilities it offers.
public struct FaxSessionConfiguration: Sendable {
    /// What this side does with the document.
    public enum Role: Sendable, Equatable {
        /// Send the pages of a fax TIFF (1728 px wide, bilevel, G3 or G4).
        case send(document: URL)
        /// Receive pages into a new Group 4 TIFF at this path.
        case receive(into: URL)
    }

    /// Send or receive.
    public var role: Role
    /// True on the side that placed the call (sends CNG and waits for DIS); false on the answering side.
    public var isCaller: Bool
    /// Our TSI (when sending) or CSID (when receiving): up to 20 characters, usually the E.164 number.
    public var localIdentifier: String
    /// The text SpanDSP prints at the top of every page it sends, or nil for no header line.
    public var pageHeader: String?
    /// Offer error correction mode (ECM, T.30 Annex A); Group 4 compression needs it.
    public var ecm: Bool
    /// The modems this side offers.
    public var modems: FaxModems
    /// The highest image-data bit rate to use (2,400 … 14,400); lower rates drop the faster modems.
    public var maximumBitRate: Int
    /// The resolutions this side can receive (SpanDSP 0.0.6 cannot rescale pages it sends).
    public var resolutions: Set<FaxResolution>
    /// Decides in phase B whether to go on with the far end, given its identifier (TSI or CSID);
    /// returning false ends the call with DCN ("far end's ident is not acceptable"), e.g. for a
    /// blocklist. Nil accepts everyone.
    public var acceptRemote: (@Sendable (String) -> Bool)?
    /// With T.38, how long a receiving side waits without any packet from the far end before
    /// the call counts as dropped (SpanDSP's T.38 receiver can otherwise wait forever on a dead line).
    public var t38SilenceTimeout: Double

    /// Creates a configuration; the defaults match what most carriers accept.
    public init(
        role: Role,
        isCaller: Bool,
        localIdentifier: String = "",
        pageHeader: String? = nil,
        ecm: Bool = true,
        modems: FaxModems = .all,
        maximumBitRate: Int = 14_400,
        resolutions: Set<FaxResolution> = Set(FaxResolution.allCases),
        t38SilenceTimeout: Double = 30,
        acceptRemote: (@Sendable (String) -> Bool)? = nil
    ) {
        self.role = role
        self.isCaller = isCaller
        self.localIdentifier = localIdentifier
        self.pageHeader = pageHeader
        self.ecm = ecm
        self.modems = modems
        self.maximumBitRate = maximumBitRate
        self.resolutions = resolutions
        self.t38SilenceTimeout = t38SilenceTimeout
        self.acceptRemote = acceptRemote
    }

    /// The modems actually offered once `maximumBitRate` is applied.
    public var effectiveModems: FaxModems { modems.limited(toBitRate: maximumBitRate) }

    /// True when this side sends a document.
    public var isSender: Bool {
        if case .send = role { return true }
        return false
    }
}
