/// The T.38 attributes of an `m=image … udptl t38` stream (ITU-T T.38 Annex D, RFC 3362).
public struct T38Parameters: Sendable, Equatable {
    /// How training is checked: by the receiving gateway (`localTCF`) or end to end (`transferredTCF`).
    public enum RateManagement: String, Sendable {
        /// TCF generated locally by the receiving gateway (usual for UDP).
        case localTCF
        /// TCF carried end to end (usual for TCP).
        case transferredTCF
    }

    /// How UDPTL protects against loss.
    public enum ErrorCorrection: String, Sendable {
        /// Earlier IFPs repeated in each packet.
        case redundancy = "t38UDPRedundancy"
        /// Parity FEC (answered with redundancy by this stack).
        case fec = "t38UDPFEC"
        /// No error correction.
        case none = "t38UDPNone"
    }

    /// `T38FaxVersion` (0…3).
    public var version: Int
    /// `T38MaxBitRate` in bit/s.
    public var maxBitRate: Int
    /// `T38FaxRateManagement`.
    public var rateManagement: RateManagement
    /// `T38FaxMaxBuffer`, if given.
    public var maxBuffer: Int?
    /// `T38FaxMaxDatagram`: the largest UDPTL payload the sender of this SDP accepts.
    public var maxDatagram: Int
    /// `T38FaxUdpEC`.
    public var errorCorrection: ErrorCorrection
    /// `T38FaxFillBitRemoval`.
    public var fillBitRemoval: Bool
    /// `T38FaxTranscodingMMR`.
    public var transcodingMMR: Bool
    /// `T38FaxTranscodingJBIG`.
    public var transcodingJBIG: Bool

    /// Creates parameters; the defaults are what this stack offers.
    public init(version: Int = 0, maxBitRate: Int = 14_400, rateManagement: RateManagement = .transferredTCF,
                maxBuffer: Int? = 2_000, maxDatagram: Int = 400, errorCorrection: ErrorCorrection = .redundancy,
                fillBitRemoval: Bool = false, transcodingMMR: Bool = false, transcodingJBIG: Bool = false) {
        self.version = version
        self.maxBitRate = maxBitRate
        self.rateManagement = rateManagement
        self.maxBuffer = maxBuffer
        self.maxDatagram = maxDatagram
        self.errorCorrection = errorCorrection
        self.fillBitRemoval = fillBitRemoval
        self.transcodingMMR = transcodingMMR
        self.transcodingJBIG = transcodingJBIG
    }

    /// Reads the attributes of a T.38 stream; missing ones take the T.38 defaults.
    public init(media: SDPMedia) {
        func number(_ name: String) -> Int? { media.attribute(name).flatMap { Int($0.trimmingSIPWhitespace()) } }
        func flag(_ name: String) -> Bool {
            guard media.hasAttribute(name) else { return false }
            guard let value = media.attribute(name) else { return true }
            return value.trimmingSIPWhitespace() != "0"
        }
        self.init(
            version: min(3, max(0, number("T38FaxVersion") ?? 0)),
            maxBitRate: min(33_600, max(2_400, number("T38MaxBitRate") ?? 14_400)),
            rateManagement: media.attribute("T38FaxRateManagement").flatMap { RateManagement(rawValue: $0.trimmingSIPWhitespace()) } ?? .transferredTCF,
            maxBuffer: number("T38FaxMaxBuffer"),
            maxDatagram: min(65_000, max(80, number("T38FaxMaxDatagram") ?? 400)),
            errorCorrection: media.attribute("T38FaxUdpEC").flatMap { ErrorCorrection(rawValue: $0.trimmingSIPWhitespace()) } ?? .none,
            fillBitRemoval: flag("T38FaxFillBitRemoval"),
            transcodingMMR: flag("T38FaxTranscodingMMR"),
            transcodingJBIG: flag("T38FaxTranscodingJBIG"))
    }

    /// The `a=` lines for an SDP stream.
    public var attributes: [(name: String, value: String?)] {
        var result: [(name: String, value: String?)] = [
            ("T38FaxVersion", "\(version)"),
            ("T38MaxBitRate", "\(maxBitRate)"),
            ("T38FaxRateManagement", rateManagement.rawValue),
        ]
        if let maxBuffer { result.append(("T38FaxMaxBuffer", "\(maxBuffer)")) }
        result.append(("T38FaxMaxDatagram", "\(maxDatagram)"))
        result.append(("T38FaxUdpEC", errorCorrection.rawValue))
        if fillBitRemoval { result.append(("T38FaxFillBitRemoval", nil)) }
        if transcodingMMR { result.append(("T38FaxTranscodingMMR", nil)) }
        if transcodingJBIG { result.append(("T38FaxTranscodingJBIG", nil)) }
        return result
    }

    /// What we answer to an offer: the lower version and bit rate, the offer's rate management,
    /// redundancy when the offer allows error correction, no transcoding options.
    public func answering(_ offer: T38Parameters) -> T38Parameters {
        T38Parameters(version: min(version, offer.version), maxBitRate: min(maxBitRate, offer.maxBitRate),
                      rateManagement: offer.rateManagement, maxBuffer: maxBuffer, maxDatagram: maxDatagram,
                      errorCorrection: offer.errorCorrection == .none ? .none : .redundancy)
    }
}
