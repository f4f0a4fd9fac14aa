/// The sign-in page.
struct SignInModel: Sendable {
    var login: String = ""
    var next: String = ""
    var message: String?
}
