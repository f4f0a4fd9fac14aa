/// `/forgot-password`: ask for a link; after the post, the same answer for every login.
struct ForgotPasswordModel: Sendable {
    var login: String = ""
    /// Shown after a request: the same words whether or not the account exists.
    var sent: Bool = false
    var error: String?
    let minutes: Int
}

/// `/reset-password?token=…`: choose a new password through a link.
struct ResetPasswordModel: Sendable {
    let token: String
    /// False when the link is unknown, used or expired (the form is not shown).
    let valid: Bool
    let rules: [String]
    let error: String?
    /// Set once the password was changed.
    let done: Bool
    /// The user's company documents need a key holder to grant access again.
    let vaultPending: Bool
}
