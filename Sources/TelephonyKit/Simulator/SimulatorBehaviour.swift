import NIOCore

/// What a simulated number does when called: one behaviour per number in `+1 555 01xx`.
public enum SimulatorBehaviour: String, Sendable, CaseIterable {
    /// A fax machine on G.711 that accepts a re-INVITE to T.38 (+1 555 0100).
    case fax = "00"
    /// A fax machine on G.711 behind a carrier without T.38: re-INVITEs get 488 (+1 555 0101).
    case faxRefusingT38 = "01"
    /// A T.38 gateway that accepts our re-INVITE to T.38 (+1 555 0102); same as `fax` toward callers that ask.
    case faxT38 = "02"
    /// A T.38 gateway that asks for T.38 itself by re-INVITE shortly after answering (+1 555 0103).
    case faxT38Requesting = "03"
    /// A fax machine without ECM (+1 555 0104).
    case faxNoECM = "04"
    /// Busy here: 486 (+1 555 0105).
    case busy = "05"
    /// Busy everywhere: 600 (+1 555 0106).
    case busyEverywhere = "06"
    /// Congestion, fast busy: 503 (+1 555 0107).
    case congestion = "07"
    /// Unallocated number: 404 (+1 555 0108).
    case notFound = "08"
    /// Rings and never answers (+1 555 0109).
    case noAnswer = "09"
    /// A person answers, talks, and hangs up after 20 seconds (+1 555 0110).
    case voice = "10"
    /// Answers as a fax machine and hangs up about 12 seconds into the call, mid-page (+1 555 0111).
    case dropMidPage = "11"
    /// Temporarily unavailable: 480 (+1 555 0112).
    case unavailable = "12"
    /// Address incomplete: 484 (+1 555 0113).
    case addressIncomplete = "13"
    /// Does not exist anywhere: 604 (+1 555 0114).
    case doesNotExist = "14"
    /// A T.38 gateway that asks for T.38 and then sends a session-timer re-INVITE every 4 seconds (+1 555 0115).
    case faxT38SessionRefresh = "15"

    /// The behaviour of a dialled number ending in `555 01xx`, or nil (answered 404).
    public init?(number: String) {
        let digits = number.filter(\.isNumber)
        guard digits.count >= 7 else { return nil }
        // Any area code: +1 555 0101 and +1 206 555 0101 both reach behaviour 01.
        let tail = digits.suffix(7)
        guard tail.hasPrefix("55501") else { return nil }
        self.init(rawValue: String(tail.suffix(2)))
    }

    /// The E.164 number of this behaviour.
    public var number: String { "+155501\(rawValue)" }

    /// A final status to answer with instead of a fax, if any.
    public var rejection: Int? {
        switch self {
        case .busy: 486
        case .busyEverywhere: 600
        case .congestion: 503
        case .notFound: 404
        case .unavailable: 480
        case .addressIncomplete: 484
        case .doesNotExist: 604
        default: nil
        }
    }
}
