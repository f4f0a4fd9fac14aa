/// A named set of Security tab values an admin loads in one action and may then adjust (the
/// guide's "Templates provided by Concord to set initial values" when customising a policy).
public struct SecurityPolicyTemplate: Sendable, Equatable {
    /// Stable identifier used by forms and the API (`hipaa_strict`).
    public let id: String
    public let name: String
    /// One line on who the template suits.
    public let summary: String
    public let policy: SecurityPolicy

    /// The templates every level can load.
    public static let builtIn: [SecurityPolicyTemplate] = [
        SecurityPolicyTemplate(
            id: "hipaa_strict", name: "HIPAA strict",
            summary: "Healthcare and other regulated data: long complex passwords changed every 90 days, quick lockout, short sessions.",
            policy: SecurityPolicy(minimumLength: 12, requireUppercase: true, requireLowercase: true, requireDigit: true, requireSymbol: true,
                                   maximumAgeDays: 90, historyCount: 12, lockoutAttempts: 3, lockoutMinutes: 30, sessionTimeoutMinutes: 15)),
        SecurityPolicyTemplate(
            id: "standard", name: "Standard",
            summary: "The platform default: mixed-case passwords with a digit, five remembered, lockout after five failures.",
            policy: .standard),
        SecurityPolicyTemplate(
            id: "relaxed", name: "Relaxed",
            summary: "Low-risk accounts: shorter passwords that never expire, a forgiving lockout and long sessions.",
            policy: SecurityPolicy(minimumLength: 8, requireUppercase: false, requireLowercase: true, requireDigit: true, requireSymbol: false,
                                   maximumAgeDays: 0, historyCount: 0, lockoutAttempts: 10, lockoutMinutes: 5, sessionTimeoutMinutes: 120)),
    ]

    /// The template with identifier `id`, if any.
    public static func named(_ id: String) -> SecurityPolicyTemplate? { builtIn.first { $0.id == id } }
}
