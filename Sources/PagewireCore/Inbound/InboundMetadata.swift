import Foundation

/// The metadata file delivered beside a received fax (`fax.metadata`: XML or JSON): numbers,
/// times, pages, the remote identifier, the result, and the "potentially partial" flag.
public struct InboundMetadata: Sendable, Equatable {
    public var fax: InboundFax
    public var options: InboundDeliveryOptions

    public init(fax: InboundFax, options: InboundDeliveryOptions) {
        self.fax = fax
        self.options = options
    }

    /// Ordered fields, shared by both formats.
    var fields: [(String, String)] {
        [
            ("fax_id", String(fax.id)),
            ("direction", fax.direction),
            ("called_number", fax.calledNumber),
            ("caller_number", fax.callerNumber),
            ("remote_id", fax.remoteCSID ?? ""),
            ("received_at", Self.rfc3339.string(from: fax.receivedAt)),
            ("received_local", InboundTokens.localTime(fax.receivedAt, options: options)),
            ("time_zone", options.timeZone),
            ("pages", String(fax.pages)),
            ("potentially_partial", fax.partial ? "true" : "false"),
            ("result", fax.resultCode?.rawValue ?? "ok"),
            ("queue", fax.queueName ?? ""),
        ]
    }

    /// The file name extension of `format`.
    public static func fileExtension(_ format: FaxMetadataFormat) -> String { format == .xml ? "xml" : "json" }

    /// The metadata in `format` (nil for `.none`).
    public func render(_ format: FaxMetadataFormat) -> [UInt8]? {
        switch format {
        case .none: return nil
        case .json:
            var object: [String: Any] = [:]
            for (key, value) in fields {
                switch key {
                case "fax_id", "pages": object[key] = Int(value) ?? 0
                case "potentially_partial": object[key] = fax.partial
                case "remote_id", "queue": object[key] = value.isEmpty ? NSNull() : value
                default: object[key] = value
                }
            }
            return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])).map { Array($0) }
        case .xml:
            var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<fax>\n"
            for (key, value) in fields { text += "  <\(key)>\(Self.escape(value))</\(key)>\n" }
            text += "</fax>\n"
            return Array(text.utf8)
        }
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static var rfc3339: ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f
    }
}

/// The tokens of file names and stamps.
public enum InboundTokens {
    /// `date` and `time` in the owner's time zone, formatted for the owner.
    public static func localTime(_ date: Date, options: InboundDeliveryOptions) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: options.timeZone) ?? TimeZone(identifier: "UTC")!
        f.dateFormat = "\(options.dateFormat) \(options.timeFormat)"
        return f.string(from: date)
    }

    /// A file name (without extension) from `template`: `{date}` (yyyyMMdd) and `{time}` (HHmmss)
    /// in the owner's time zone, `{fax_id}`, `{caller}`, `{called}` (digits only), `{pages}`.
    /// Anything but letters, digits, `-`, `_` and `.` becomes `_`.
    public static func fileName(_ template: String, fax: InboundFax, options: InboundDeliveryOptions) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: options.timeZone) ?? TimeZone(identifier: "UTC")!
        f.dateFormat = "yyyyMMdd"
        let date = f.string(from: fax.receivedAt)
        f.dateFormat = "HHmmss"
        let time = f.string(from: fax.receivedAt)
        let digits = { (s: String) in s.filter(\.isNumber).isEmpty ? "unknown" : s.filter(\.isNumber) }
        let name = template
            .replacingOccurrences(of: "{date}", with: date).replacingOccurrences(of: "{time}", with: time)
            .replacingOccurrences(of: "{fax_id}", with: String(fax.id)).replacingOccurrences(of: "{caller}", with: digits(fax.callerNumber))
            .replacingOccurrences(of: "{called}", with: digits(fax.calledNumber)).replacingOccurrences(of: "{pages}", with: String(fax.pages))
        let cleaned = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
        let trimmed = cleaned.drop(while: { $0 == "." })
        return trimmed.isEmpty ? "fax-\(fax.id)" : String(trimmed.prefix(150))
    }

    /// The stamp text with `{received}`, `{caller}`, `{called}`, `{page}`, `{pages}`, `{fax_id}` filled in.
    public static func stamp(_ text: String, fax: InboundFax, options: InboundDeliveryOptions, page: Int) -> String {
        let caller = fax.callerNumber.isEmpty ? "unknown" : ((try? E164Number(parsing: fax.callerNumber).formatted) ?? fax.callerNumber)
        let called = (try? E164Number(parsing: fax.calledNumber).formatted) ?? fax.calledNumber
        return text
            .replacingOccurrences(of: "{received}", with: localTime(fax.receivedAt, options: options))
            .replacingOccurrences(of: "{caller}", with: caller).replacingOccurrences(of: "{called}", with: called)
            .replacingOccurrences(of: "{page}", with: String(page)).replacingOccurrences(of: "{pages}", with: String(fax.pages))
            .replacingOccurrences(of: "{fax_id}", with: String(fax.id))
    }
}
