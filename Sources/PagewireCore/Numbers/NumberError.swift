/// Why a number operation was refused; each case reads as a message for the admin.
public enum NumberError: Error, Equatable, CustomStringConvertible {
    case notFound
    case alreadyExists(String)
    case invalid(String)
    /// The number is not in a state that allows this (e.g. assigning a number still in the pool).
    case wrongState(String, FaxNumber.State)
    /// Taking these numbers would put the company over its maximum inventory.
    case inventoryFull(maximum: Int, holding: Int)

    public var description: String {
        switch self {
        case .notFound: "not found"
        case .alreadyExists(let n): "\(n) is already on the platform"
        case .invalid(let reason): reason
        case .wrongState(let n, let s): "\(n) is \(s.rawValue.replacingOccurrences(of: "_", with: " "))"
        case .inventoryFull(let maximum, let holding):
            "the company holds \(holding) number(s); its maximum inventory is \(maximum)"
        }
    }
}
