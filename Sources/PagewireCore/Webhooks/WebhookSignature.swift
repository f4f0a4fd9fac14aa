import Crypto
import Foundation

/// The `Pagewire-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
/// Receivers recompute the HMAC over the raw body bytes, compare in constant time, and refuse
/// timestamps older than a few minutes (replays). See README "Webhooks".
public enum WebhookSignature {
    /// The header name.
    public static let headerName = "Pagewire-Signature"

    /// The header value for `body` sent at `timestamp`.
    public static func header(secret: String, timestamp: Int, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(hex(mac(secret: secret, timestamp: timestamp, body: body)))"
    }

    /// Whether `header` signs `body` with `secret` and is at most `tolerance` seconds old.
    public static func verify(header: String, secret: String, body: [UInt8], tolerance: TimeInterval = 300, now: Date = Date()) -> Bool {
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { continue }
            if kv[0] == "t" { timestamp = Int(kv[1]) }
            if kv[0] == "v1" { signatures.append(kv[1]) }
        }
        guard let timestamp, abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let expected = mac(secret: secret, timestamp: timestamp, body: body)
        return signatures.contains { candidate in
            guard let bytes = unhex(candidate) else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: Array("\(timestamp).".utf8) + body, using: SymmetricKey(data: Array(secret.utf8)))
                && bytes.count == expected.count
        }
    }

    private static func mac(secret: String, timestamp: Int, body: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + body, using: SymmetricKey(data: Array(secret.utf8))))
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    private static func unhex(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
    }
}
