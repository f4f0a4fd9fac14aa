/// The change-password page, with the rules of the user's security policy.
struct PasswordModel: Sendable {
    let expired: Bool
    let rules: [String]
    let error: String?
    let notice: String?
}
