/// The result of an SPF check (RFC 7208 §2.6).
public enum SPFResult: String, Sendable, Equatable {
    case pass, fail, softfail, neutral, none, temperror, permerror
}

/// Checks whether `ip` may send mail for the domain of `mailFrom` (or of `helo` for the null sender).
public protocol SPFVerifier: Sendable {
    /// The SPF result; never throws (a DNS failure is `temperror`).
    func check(ip: String, mailFrom: String, helo: String) async -> SPFResult
}
