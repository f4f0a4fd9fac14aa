extension SecurityPolicy {
    /// What a new password needs under this policy, in words for a form ("at least 10 characters", …).
    public var ruleDescriptions: [String] {
        var rules = ["at least \(minimumLength) characters"]
        if requireUppercase { rules.append("an upper-case letter") }
        if requireLowercase { rules.append("a lower-case letter") }
        if requireDigit { rules.append("a digit") }
        if requireSymbol { rules.append("a symbol") }
        if historyCount > 0 { rules.append("different from your last \(historyCount) passwords") }
        return rules
    }
}
