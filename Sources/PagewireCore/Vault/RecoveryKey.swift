import Crypto
import Foundation

/// A company recovery key: shown exactly once to the first company admin, stored nowhere.
/// `description` is redacted so that it cannot reach a log by accident.
public struct RecoveryKey: Sendable, CustomStringConvertible {
    /// The text to show the admin once (`PWRK1-` followed by 64 hex digits in groups of 8).
    public let text: String

    init(privateKey: Curve25519.KeyAgreement.PrivateKey) {
        let hex = privateKey.rawRepresentation.map { String(format: "%02X", $0) }.joined()
        var groups: [String] = []
        var rest = Substring(hex)
        while !rest.isEmpty { groups.append(String(rest.prefix(8))); rest = rest.dropFirst(8) }
        text = "PWRK1-" + groups.joined(separator: "-")
    }

    /// Reads a recovery key as typed by a person (any case, spaces or dashes between groups).
    public init(text: String) {
        self.text = text
    }

    var privateKey: Curve25519.KeyAgreement.PrivateKey? {
        let cleaned = text.uppercased().filter { !$0.isWhitespace && $0 != "-" }
        guard cleaned.hasPrefix("PWRK1") else { return nil }
        let hex = Array(cleaned.dropFirst(5))
        guard hex.count == 64 else { return nil }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: 64, by: 2) {
            guard let b = UInt8(String(hex[i...i + 1]), radix: 16) else { return nil }
            bytes.append(b)
        }
        return try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: bytes)
    }

    public var description: String { "RecoveryKey(redacted)" }
}
