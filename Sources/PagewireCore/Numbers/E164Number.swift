/// A telephone number in E.164 form (`+` and 8 to 15 digits), parsed from what users type.
///
/// Accepted: 10-digit North American numbers (`(206) 441-3346`), 11 digits starting with 1,
/// international numbers with `+`, `00` or `011` in front, and the punctuation people put in
/// numbers (spaces, `-`, `.`, `(`, `)`, `/`). Everything else is refused with a reason.
public struct E164Number: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// `+` followed by the digits, e.g. `+12064413346`.
    public let value: String

    /// Why text is not a fax number, in words for the person who typed it.
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case empty
        case invalidCharacter(Character)
        case misplacedPlus
        case tooShort(digits: Int)
        case tooLong(digits: Int)
        case invalidCountryCode
        case invalidNorthAmerican(String)
        case unknownFormat(digits: Int)

        public var description: String {
            switch self {
            case .empty: "no number was given"
            case .invalidCharacter(let c): "the character '\(c)' cannot be part of a fax number"
            case .misplacedPlus: "'+' may only stand at the start of the number"
            case .tooShort(let n): "the number has \(n) digits; an international number needs at least 8 including the country code"
            case .tooLong(let n): "the number has \(n) digits; international numbers have at most 15"
            case .invalidCountryCode: "a country code cannot start with 0"
            case .invalidNorthAmerican(let reason): "not a valid North American number: \(reason)"
            case .unknownFormat(let n): "\(n) digits is neither a 10-digit North American number nor an international number; put + or 011 and the country code in front"
            }
        }
    }

    public init(parsing text: String) throws(ParseError) {
        var digits: [Character] = []
        var sawPlus = false
        for c in text {
            switch c {
            case "0"..."9": digits.append(c)
            case "+":
                guard digits.isEmpty, !sawPlus else { throw .misplacedPlus }
                sawPlus = true
            case " ", "-", ".", "(", ")", "/", "\u{00A0}": continue
            default: throw .invalidCharacter(c)
            }
        }
        guard !digits.isEmpty else { throw .empty }
        var international: [Character]
        if sawPlus {
            international = digits
        } else if digits.starts(with: ["0", "1", "1"]) {
            international = Array(digits.dropFirst(3))
        } else if digits.starts(with: ["0", "0"]) {
            international = Array(digits.dropFirst(2))
        } else if digits.count == 10 {
            international = ["1"] + digits
        } else if digits.count == 11, digits.first == "1" {
            international = digits
        } else {
            throw .unknownFormat(digits: digits.count)
        }
        guard international.first != "0" else { throw .invalidCountryCode }
        guard international.count >= 8 else { throw .tooShort(digits: international.count) }
        guard international.count <= 15 else { throw .tooLong(digits: international.count) }
        if international.first == "1" {
            guard international.count == 11 else {
                throw .invalidNorthAmerican("+1 numbers have 10 digits after the 1")
            }
            let area = international[1], exchange = international[4]
            guard area >= "2" else { throw .invalidNorthAmerican("an area code cannot start with 0 or 1") }
            guard exchange >= "2" else { throw .invalidNorthAmerican("an exchange cannot start with 0 or 1") }
        }
        value = "+" + String(international)
    }

    /// The digits without `+` (for SIP user parts and file names).
    public var digits: Substring { value.dropFirst() }

    /// Whether the number is in the North American Numbering Plan (+1).
    public var isNorthAmerican: Bool { value.hasPrefix("+1") }

    /// The number for people: `+1 (206) 441-3346` for North America, E.164 otherwise.
    public var formatted: String {
        guard isNorthAmerican else { return value }
        let d = Array(digits.dropFirst())
        return "+1 (\(String(d[0..<3]))) \(String(d[3..<6]))-\(String(d[6..<10]))"
    }

    public var description: String { value }

    public static func < (a: E164Number, b: E164Number) -> Bool { a.value < b.value }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try E164Number(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}
