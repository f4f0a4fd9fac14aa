private import CSpanDSP
import PagewireCore

/// A SpanDSP T.30 completion code (`T30_ERR_…`), as reported in phase E.
public struct T30CompletionCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The numeric SpanDSP code.
    public let rawValue: Int

    /// Wraps a numeric SpanDSP code.
    public init(rawValue: Int) { self.rawValue = rawValue }

    init(_ code: Int) { self.rawValue = code }

    /// The fax went through.
    public static let ok = T30CompletionCode(T30_ERR_OK)
    /// The call dropped (hang-up, `FaxSession.hangUp()`).
    public static let callDropped = T30CompletionCode(T30_ERR_CALLDROPPED)

    /// Every code SpanDSP 0.0.6 defines, `T30_ERR_OK` through `T30_ERR_CSA_UNACCEPTABLE`.
    public static let all: [T30CompletionCode] =
        (T30_ERR_OK...T30_ERR_CSA_UNACCEPTABLE).map(T30CompletionCode.init(rawValue:))

    /// SpanDSP's own description, e.g. "Far end is not compatible".
    public var description: String {
        guard let text = t30_completion_code_to_str(Int32(truncatingIfNeeded: rawValue)) else { return "T.30 code \(rawValue)" }
        return String(cString: text)
    }

    /// The platform result code for this completion.
    ///
    /// - Parameters:
    ///   - negotiated: whether phase B accepted the far end before the call ended; a hang-up before it means
    ///     no fax machine answered, a hang-up after it means the transfer broke off.
    ///   - ecm: whether ECM was in use; "disconnected after permitted retries" is then an ECM retransmit limit.
    ///   - sending: whether this side was sending (document errors are then the attachment's fault).
    public func resultCode(negotiated: Bool, ecm: Bool, sending: Bool) -> ResultCode {
        let code = rawValue
        switch code {
        case T30_ERR_OK:
            return .ok
        // No fax machine at the other end: nothing T.30 ever answered.
        case T30_ERR_CEDTONE, T30_ERR_T0_EXPIRED, T30_ERR_T1_EXPIRED:
            return .notAFaxMachine
        // Phase B: the machines met but did not agree.
        case T30_ERR_CANNOT_TRAIN, T30_ERR_INCOMPATIBLE, T30_ERR_RX_INCAPABLE,
             T30_ERR_TX_INCAPABLE, T30_ERR_NORESSUPPORT, T30_ERR_NOSIZESUPPORT,
             T30_ERR_UNEXPECTED, T30_ERR_TX_BADDCS, T30_ERR_TX_GOTDCN,
             T30_ERR_TX_NODIS, T30_ERR_TX_PHBDEAD, T30_ERR_RX_GOTDCS,
             T30_ERR_RX_DCNWHY, T30_ERR_RX_T2EXP, T30_ERR_T3_EXPIRED,
             T30_ERR_OPER_INT_FAIL, T30_ERR_NOPOLL,
             T30_ERR_IDENT_UNACCEPTABLE, T30_ERR_SUB_UNACCEPTABLE,
             T30_ERR_SEP_UNACCEPTABLE, T30_ERR_PSA_UNACCEPTABLE,
             T30_ERR_SID_UNACCEPTABLE, T30_ERR_PWD_UNACCEPTABLE,
             T30_ERR_TSA_UNACCEPTABLE, T30_ERR_IRA_UNACCEPTABLE,
             T30_ERR_CIA_UNACCEPTABLE, T30_ERR_ISP_UNACCEPTABLE,
             T30_ERR_CSA_UNACCEPTABLE:
            return .negotiationFailed
        // Phases C and D: pages started but did not get through.
        case T30_ERR_HDLC_CARRIER, T30_ERR_TX_BADPG, T30_ERR_TX_INVALRSP,
             T30_ERR_TX_PHDDEAD, T30_ERR_TX_ECMPHD, T30_ERR_RX_ECMPHD,
             T30_ERR_RX_INVALCMD, T30_ERR_RX_NOCARRIER, T30_ERR_RX_NOEOL,
             T30_ERR_RX_NOFAX, T30_ERR_RX_T2EXPDCN, T30_ERR_RX_T2EXPD,
             T30_ERR_RX_T2EXPFAX, T30_ERR_RX_T2EXPMPS, T30_ERR_RX_DCNDATA,
             T30_ERR_RX_DCNFAX, T30_ERR_RX_DCNPHD:
            return .transmissionFailed
        // ECM flow control and retransmission limits.
        case T30_ERR_TX_T5EXP, T30_ERR_RX_T2EXPRR, T30_ERR_RX_DCNRRD,
             T30_ERR_RX_DCNNORTN:
            return .exceededECMRetransmit
        case T30_ERR_RETRYDCN:
            return ecm ? .exceededECMRetransmit : .transmissionFailed
        case T30_ERR_CALLDROPPED:
            return negotiated ? .transmissionFailed : .notAFaxMachine
        // The TIFF to send could not be read: the document is at fault, not the line.
        case T30_ERR_FILEERROR, T30_ERR_NOPAGE, T30_ERR_BADTIFF,
             T30_ERR_BADPAGE, T30_ERR_BADTAG, T30_ERR_BADTIFFHDR:
            return sending ? .invalidAttachment : .generalError
        default:
            return .generalError
        }
    }
}
