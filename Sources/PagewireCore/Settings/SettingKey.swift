import Foundation

/// A typed setting: its name in `account_settings`/`user_settings`, its platform default, and
/// a check that refuses values no level may set.
public struct SettingKey<Value: Codable & Sendable & Equatable>: Sendable {
    public let name: String
    public let defaultValue: Value
    let check: @Sendable (Value) -> String?

    public init(_ name: String, default defaultValue: Value, check: @escaping @Sendable (Value) -> String? = { _ in nil }) {
        self.name = name
        self.defaultValue = defaultValue
        self.check = check
    }

    /// Why `value` is not acceptable, or nil when it is.
    public func problem(with value: Value) -> String? { check(value) }
}

/// The file type inbound faxes are delivered in.
public enum InboundFileType: String, Codable, Sendable, CaseIterable { case pdf, tiff, tiffHiRes = "tiff_hires" }

/// Metadata delivered beside an inbound fax.
public enum FaxMetadataFormat: String, Codable, Sendable, CaseIterable { case none, xml, json }

/// When a cover page is added, as in the Concord Coverpage tab.
public enum CoverPageBehaviour: String, Codable, Sendable, CaseIterable {
    case automatic
    case automaticRequiresAttachment = "automatic_requires_attachment"
    case onDemand = "on_demand"
    case onDemandRequiresAttachment = "on_demand_requires_attachment"
    case withBodyText = "with_body_text"
    case withBodyTextRequiresAttachment = "with_body_text_requires_attachment"
    case none
}

/// How often and how far apart an outbound fax is tried.
public struct RetryPolicy: Codable, Sendable, Equatable {
    public var attempts: Int
    public var intervalSeconds: Int
    public init(attempts: Int, intervalSeconds: Int) {
        self.attempts = attempts
        self.intervalSeconds = intervalSeconds
    }
}

/// Which e-mails a user gets about their faxes.
public struct NotificationSettings: Codable, Sendable, Equatable {
    public var outboundSuccess: Bool
    public var outboundFailure: Bool
    public var inboundReceived: Bool
    /// Confirm receipt of an e-mail-to-fax submission before it is sent.
    public var emailToFaxInitialNotice: Bool
    public var includeDocument: Bool
    /// Attach the transmission confirmation report (PDF) to the delivery notice of an outbound fax.
    public var attachReport: Bool
    public init(outboundSuccess: Bool, outboundFailure: Bool, inboundReceived: Bool, emailToFaxInitialNotice: Bool, includeDocument: Bool,
                attachReport: Bool = false) {
        self.outboundSuccess = outboundSuccess
        self.outboundFailure = outboundFailure
        self.inboundReceived = inboundReceived
        self.emailToFaxInitialNotice = emailToFaxInitialNotice
        self.includeDocument = includeDocument
        self.attachReport = attachReport
    }

    private enum CodingKeys: String, CodingKey {
        case outboundSuccess, outboundFailure, inboundReceived, emailToFaxInitialNotice, includeDocument, attachReport
    }

    /// Values stored before `attachReport` existed read as `false` for it.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(outboundSuccess: try c.decode(Bool.self, forKey: .outboundSuccess), outboundFailure: try c.decode(Bool.self, forKey: .outboundFailure),
                  inboundReceived: try c.decode(Bool.self, forKey: .inboundReceived),
                  emailToFaxInitialNotice: try c.decode(Bool.self, forKey: .emailToFaxInitialNotice),
                  includeDocument: try c.decode(Bool.self, forKey: .includeDocument),
                  attachReport: try c.decodeIfPresent(Bool.self, forKey: .attachReport) ?? false)
    }
}

/// The keys Pagewire knows, with their platform defaults.
public enum Settings {
    public static let inboundFileType = SettingKey("fax.inbound_file_type", default: InboundFileType.pdf)
    public static let pageSeparation = SettingKey("fax.page_separation", default: false)
    public static let metadata = SettingKey("fax.metadata", default: FaxMetadataFormat.none)
    /// The cover page template assigned to the level: `plain`, `healthcare` or `custom-<id>` (an uploaded one).
    public static let coverPageTemplate = SettingKey("coverpage.template", default: "plain") { value in
        value.isEmpty || value.count > 100 ? "a template name has 1 to 100 characters" : nil
    }
    public static let coverPageBehaviour = SettingKey("coverpage.behaviour", default: CoverPageBehaviour.onDemand)
    public static let coverPageRestrictToAssigned = SettingKey("coverpage.restrict_to_assigned", default: false)
    public static let notifications = SettingKey(
        "notifications", default: NotificationSettings(outboundSuccess: true, outboundFailure: true, inboundReceived: true, emailToFaxInitialNotice: false, includeDocument: false))
    public static let timeZone = SettingKey("locale.time_zone", default: "UTC") { value in
        TimeZone(identifier: value) == nil ? "\(value) is not a time zone name (e.g. America/New_York)" : nil
    }
    public static let dateFormat = SettingKey("locale.date_format", default: "yyyy-MM-dd") { value in
        let allowed = ["yyyy-MM-dd", "MM/dd/yyyy", "dd/MM/yyyy", "dd.MM.yyyy", "d MMM yyyy", "MMM d, yyyy"]
        return allowed.contains(value) ? nil : "date format must be one of \(allowed.joined(separator: ", "))"
    }
    public static let timeFormat = SettingKey("locale.time_format", default: "HH:mm") { value in
        ["HH:mm", "h:mm a"].contains(value) ? nil : "time format must be HH:mm or h:mm a"
    }
    public static let retryPolicy = SettingKey("fax.retry_policy", default: RetryPolicy(attempts: 4, intervalSeconds: 300)) { p in
        (1...10).contains(p.attempts) && (60...86_400).contains(p.intervalSeconds)
            ? nil : "retries: 1 to 10 attempts, 60 seconds to 1 day apart"
    }
    public static let retentionDays = SettingKey("retention.days", default: 30) { d in
        (1...3650).contains(d) ? nil : "retention is 1 to 3650 days"
    }
    public static let dailyFaxLimit = SettingKey("limits.daily_faxes", default: Int?.none) { v in
        (v ?? 0) < 0 ? "a limit cannot be negative" : nil
    }
    public static let monthlyFaxLimit = SettingKey("limits.monthly_faxes", default: Int?.none) { v in
        (v ?? 0) < 0 ? "a limit cannot be negative" : nil
    }
    /// E.164 numbers users of the level may not send to.
    public static let outboundBlocklist = SettingKey("fax.outbound_blocklist", default: [String]()) { list in
        list.count > 10_000 ? "the blocklist holds at most 10,000 numbers" :
            list.first(where: { (try? E164Number(parsing: $0)) == nil }).map { "\($0) is not a valid fax number" }
    }
    public static let requireSPF = SettingKey("fax.email_require_spf", default: false)
}
