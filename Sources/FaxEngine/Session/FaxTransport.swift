/// How the fax travels over the call.
public enum FaxTransport: Sendable, Equatable {
    /// Audio: the T.30 modems run in SpanDSP and 8 kHz linear samples go in and out (G.711 over RTP).
    case audio
    /// T.38 terminal: IFP packets go in and out (UDPTL); `version` is the negotiated T.38 version (0…3).
    case t38(version: Int = 0)
}
