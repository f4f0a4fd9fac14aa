import Foundation

/// The Security tab of an account level (Concord guide): password complexity, age and history,
/// lockout after failed sign-ins, and session timeout. Inherited like every setting, so the
/// policy nearest to a user on their path applies.
public struct SecurityPolicy: Codable, Sendable, Equatable {
    /// Minimum password length.
    public var minimumLength: Int
    public var requireUppercase: Bool
    public var requireLowercase: Bool
    public var requireDigit: Bool
    public var requireSymbol: Bool
    /// Days after which a password must be changed; 0 means never.
    public var maximumAgeDays: Int
    /// How many previous passwords may not be reused; 0 allows any.
    public var historyCount: Int
    /// Failed sign-ins in a row that lock the user; 0 never locks.
    public var lockoutAttempts: Int
    /// How long a lockout lasts; 0 means until an administrator unlocks the user.
    public var lockoutMinutes: Int
    /// Idle minutes after which a portal session ends.
    public var sessionTimeoutMinutes: Int

    public init(minimumLength: Int, requireUppercase: Bool, requireLowercase: Bool, requireDigit: Bool, requireSymbol: Bool,
                maximumAgeDays: Int, historyCount: Int, lockoutAttempts: Int, lockoutMinutes: Int, sessionTimeoutMinutes: Int) {
        self.minimumLength = minimumLength
        self.requireUppercase = requireUppercase
        self.requireLowercase = requireLowercase
        self.requireDigit = requireDigit
        self.requireSymbol = requireSymbol
        self.maximumAgeDays = maximumAgeDays
        self.historyCount = historyCount
        self.lockoutAttempts = lockoutAttempts
        self.lockoutMinutes = lockoutMinutes
        self.sessionTimeoutMinutes = sessionTimeoutMinutes
    }

    /// The platform default: a sensible policy a company may tighten.
    public static let standard = SecurityPolicy(
        minimumLength: 10, requireUppercase: true, requireLowercase: true, requireDigit: true, requireSymbol: false,
        maximumAgeDays: 0, historyCount: 5, lockoutAttempts: 5, lockoutMinutes: 15, sessionTimeoutMinutes: 30)

    /// Why `password` does not meet the complexity rules, one reason per rule broken; empty when it does.
    public func complexityProblems(_ password: String) -> [String] {
        var problems: [String] = []
        if password.count < minimumLength { problems.append("at least \(minimumLength) characters") }
        if requireUppercase, !password.contains(where: \.isUppercase) { problems.append("an upper-case letter") }
        if requireLowercase, !password.contains(where: \.isLowercase) { problems.append("a lower-case letter") }
        if requireDigit, !password.contains(where: \.isNumber) { problems.append("a digit") }
        if requireSymbol, !password.contains(where: { !$0.isLetter && !$0.isNumber && !$0.isWhitespace }) { problems.append("a symbol") }
        return problems
    }

    /// Whether a password changed at `changedAt` has expired at `now`.
    public func isExpired(changedAt: Date?, now: Date = Date()) -> Bool {
        guard maximumAgeDays > 0, let changedAt else { return false }
        return now.timeIntervalSince(changedAt) > Double(maximumAgeDays) * 86_400
    }
}

extension Settings {
    /// The security policy of a level (Concord "Security" tab).
    public static let securityPolicy = SettingKey("security.policy", default: SecurityPolicy.standard) { p in
        guard (6...128).contains(p.minimumLength) else { return "passwords must require 6 to 128 characters" }
        guard (0...3650).contains(p.maximumAgeDays) else { return "password age is 0 to 3650 days" }
        guard (0...24).contains(p.historyCount) else { return "password history is 0 to 24 passwords" }
        guard (0...100).contains(p.lockoutAttempts) else { return "lockout is after 0 to 100 failed attempts" }
        guard (0...10_080).contains(p.lockoutMinutes) else { return "a lockout lasts 0 to 10080 minutes" }
        guard (1...1440).contains(p.sessionTimeoutMinutes) else { return "the session timeout is 1 to 1440 minutes" }
        return nil
    }
}
