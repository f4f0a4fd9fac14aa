import Foundation

/// A recipient of e-mail to fax, `<number>@<fax domain>`, checked with the rule users know from
/// Kazoo's faxbox: the local part is digits only, with one leading `+` allowed, and is either a
/// 10-digit North American number or an international number written with `+`, `00` or `011`.
public struct FaxMailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The destination number.
    public let number: E164Number
    /// The fax domain, lower-case, without a trailing dot.
    public let domain: String
    /// The address as given (without angle brackets).
    public let address: String

    /// Why an address is not a fax address; the text goes into the 550 reply and the notice.
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case notAnAddress(String)
        case notDigits(String)
        case unknownForm(String)
        case invalidNumber(String, E164Number.ParseError)

        public var description: String {
            switch self {
            case .notAnAddress(let a): "\(a) is not an e-mail address of the form <fax number>@<fax domain>"
            case .notDigits(let l): "'\(l)' is not a fax number: use digits only, with an optional leading + (no spaces, dashes or letters)"
            case .unknownForm(let l): "'\(l)' is neither a 10-digit North American number nor an international number starting with +, 00 or 011"
            case .invalidNumber(let l, let e): "'\(l)' is not a valid fax number: \(e.description)"
            }
        }
    }

    /// Parses `local@domain`; the domain is only normalised here, the caller looks it up.
    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let at = trimmed.lastIndex(of: "@"), at != trimmed.startIndex else { throw .notAnAddress(trimmed) }
        var local = String(trimmed[..<at])
        var domain = String(trimmed[trimmed.index(after: at)...]).lowercased()
        if domain.hasSuffix(".") { domain.removeLast() }
        guard !domain.isEmpty, domain.count <= 253, domain.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") })
        else { throw .notAnAddress(trimmed) }
        // A quoted local part ("+1206…") means the same digits.
        if local.count >= 2, local.hasPrefix("\""), local.hasSuffix("\"") { local = String(local.dropFirst().dropLast()) }
        let digits = local.hasPrefix("+") ? local.dropFirst() : Substring(local)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw .notDigits(local) }
        let international = local.hasPrefix("+") || digits.hasPrefix("00") || digits.hasPrefix("011")
        guard international || digits.count == 10 else { throw .unknownForm(local) }
        do { number = try E164Number(parsing: local) } catch { throw .invalidNumber(local, error) }
        self.domain = domain
        self.address = trimmed
    }

    public var description: String { address }
}
