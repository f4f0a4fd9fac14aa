import PagewireCore

/// Creating a user from an admin's form or API request, the same way in both: the username is
/// the e-mail address, a chosen name or generated; the password is entered (and must meet the
/// node's security policy) or generated, and returned once to show to the admin.
struct UserCreation: Sendable {
    let database: Database

    struct Refusal: Error, CustomStringConvertible {
        let description: String
        let field: String?
    }

    func create(accountID: Int64, scope: AccountScope, displayName: String, email: String, usernameMode: String, username: String,
                passwordMode: String, password: String, profile: UserProfile) async throws -> (user: User, password: String) {
        let choice: UsernameChoice
        switch usernameMode {
        case "email": choice = .email
        case "generated": choice = .generated
        case "chosen":
            guard !username.trimmingCharacters(in: .whitespaces).isEmpty else { throw Refusal(description: "Enter a username, or choose another option.", field: "username") }
            choice = .chosen(username)
        default: throw Refusal(description: "The username is the e-mail address, chosen or generated.", field: "username_mode")
        }
        let policy = try await SettingsRepository(database: database).effective(Settings.securityPolicy, forAccount: accountID, scope: scope).value
        let secret: String
        switch passwordMode {
        case "entered":
            let problems = policy.complexityProblems(password)
            guard problems.isEmpty else { throw Refusal(description: "The password needs " + problems.joined(separator: ", ") + ".", field: "password") }
            secret = password
        case "generated":
            secret = Self.generatedPassword(policy)
        default: throw Refusal(description: "The password is entered or generated.", field: "password_mode")
        }
        do {
            let user = try await UserRepository(database: database).create(
                accountID: accountID, email: email, username: choice, displayName: displayName, password: secret, profile: profile, scope: scope)
            return (user, secret)
        } catch let error as AccountError where error != .notFound {
            let field: String? = switch error {
            case .invalidEmail: "email"
            case .usernameTaken: "username"
            default: nil
            }
            throw Refusal(description: error.message, field: field)
        }
    }

    /// A random password that meets `policy` (the generator's alphabet has no symbols).
    static func generatedPassword(_ policy: SecurityPolicy) -> String {
        while true {
            var candidate = PasswordGenerator.generate(length: max(20, policy.minimumLength))
            if policy.requireSymbol { candidate += "-" }
            if policy.complexityProblems(candidate).isEmpty { return candidate }
        }
    }
}
