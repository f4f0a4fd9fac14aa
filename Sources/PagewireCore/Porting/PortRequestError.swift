/// Why a port request operation was refused; each case reads as a message for the customer or staff.
public enum PortRequestError: Error, Equatable, CustomStringConvertible {
    /// One field of the form and what is wrong with it.
    public struct FieldProblem: Sendable, Equatable {
        public let field: String
        public let reason: String
        public init(field: String, reason: String) {
            self.field = field
            self.reason = reason
        }
    }

    case notFound
    case invalid([FieldProblem])
    /// The change is not allowed in the request's current state.
    case wrongState(PortRequest.State, String)
    /// Submission needs these first (a CSR, a signed LOA that matches the request…).
    case incomplete([String])
    /// A number of the request is already on the platform.
    case numberTaken(String)
    /// The request changed after the signer was shown the letter: they must read it again.
    case letterChanged
    /// Only the porting team (platform or reseller staff) may do this.
    case staffOnly

    public var description: String {
        switch self {
        case .notFound: "not found"
        case .invalid(let problems): problems.map(\.reason).joined(separator: "; ")
        case .wrongState(let state, let action): "a port request that is \(state.title.lowercased()) cannot \(action)"
        case .incomplete(let missing): "before submitting: " + missing.joined(separator: "; ")
        case .numberTaken(let n): "\(n) is already on the platform (in an inventory or another port request)"
        case .letterChanged: "the request changed while the letter was open; read it again and sign"
        case .staffOnly: "only the porting team can do this"
        }
    }
}
