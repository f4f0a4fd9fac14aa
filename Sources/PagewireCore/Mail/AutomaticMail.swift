import Foundation

/// Tells automatic messages (bounces, auto-replies, lists, our own notices) from messages a person
/// sent, so no notice ever answers one and a mail loop cannot start (RFC 3834).
public enum AutomaticMail {
    /// Why the message is automatic, or nil when a person sent it.
    public static func reason(returnPath: String, headers: [String: String]) -> String? {
        if returnPath.isEmpty { return "the return path is empty (a bounce or a notice)" }
        if let value = headers["auto-submitted"]?.trimmingCharacters(in: .whitespaces).lowercased(), !value.isEmpty, !value.hasPrefix("no") {
            return "Auto-Submitted: \(value)"
        }
        if let value = headers["precedence"]?.trimmingCharacters(in: .whitespaces).lowercased(), ["bulk", "junk", "list", "auto_reply"].contains(value) {
            return "Precedence: \(value)"
        }
        if let value = headers["x-auto-response-suppress"]?.lowercased(), value.contains("all") || value.contains("autoreply") {
            return "X-Auto-Response-Suppress: \(value)"
        }
        if headers["list-id"] != nil { return "it came through a mailing list (List-Id)" }
        let local = returnPath.split(separator: "@").first.map { $0.lowercased() } ?? ""
        if ["mailer-daemon", "postmaster"].contains(local) || local.hasPrefix("owner-") || local.hasSuffix("-request") {
            return "the return path \(returnPath) belongs to a mail system"
        }
        return nil
    }
}
