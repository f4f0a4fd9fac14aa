/// Why an account-tree or people operation was refused; each case reads as a message for the admin.
public enum AccountError: Error, Equatable, CustomStringConvertible {
    /// Not found, or outside the caller's scope: the two are deliberately indistinguishable.
    case notFound
    case kindNotAllowed(parent: AccountKind, child: AccountKind)
    case platformExists
    case invalidName(String)
    case notEmpty(users: Int, children: Int)
    case usernameTaken(String)
    case invalidEmail(String)
    case cannotMoveAcrossCompanies
    case notADepartment

    public var description: String {
        switch self {
        case .notFound: "not found"
        case .kindNotAllowed(let p, let c): "a \(p) cannot hold a \(c)"
        case .platformExists: "the platform account already exists"
        case .invalidName(let reason): "invalid name: \(reason)"
        case .notEmpty(let users, let children): "the department still holds \(users) user(s) and \(children) department(s); move them first"
        case .usernameTaken(let u): "the username \(u) is already taken"
        case .invalidEmail(let e): "\(e) is not a valid e-mail address"
        case .cannotMoveAcrossCompanies: "users and departments can only move within their company"
        case .notADepartment: "only departments can be changed this way"
        }
    }
}
