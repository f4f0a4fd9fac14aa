import Foundation
import PagewireCore

/// One field of a settings tab, type-erased over its `SettingKey`: it reads the effective value
/// at a node with its origin, and writes an override from a form value.
struct SettingField: Sendable {
    enum Input: Sendable, Equatable {
        case select([(value: String, label: String)])
        case checkbox
        case number
        case text

        static func == (a: Input, b: Input) -> Bool {
            switch (a, b) {
            case (.checkbox, .checkbox), (.number, .number), (.text, .text): true
            case (.select(let x), .select(let y)): x.map(\.value) == y.map(\.value)
            default: false
            }
        }
    }

    /// The form field name.
    let id: String
    let label: String
    let input: Input
    /// The setting key the field belongs to (several fields may share a structured key).
    let keyName: String
    /// The effective value at a node (as the form shows it) and where it comes from.
    let read: @Sendable (SettingsRepository, Int64, AccountScope) async throws -> (value: String, origin: SettingOrigin)
    /// Overrides the key at a node when the submitted value differs from the effective one;
    /// returns whether it wrote.
    let write: @Sendable (SettingsRepository, String?, Int64, AccountScope, AuditActor) async throws -> Bool
    /// Removes the node's override of the key.
    let reset: @Sendable (SettingsRepository, Int64, AccountScope, AuditActor) async throws -> Void

    /// A field showing (and editing) `part` of `key`'s value.
    static func make<V>(_ key: SettingKey<V>, id: String, label: String, input: Input,
                        show: @escaping @Sendable (V) -> String,
                        parse: @escaping @Sendable (String?, V) throws -> V) -> SettingField {
        SettingField(
            id: id, label: label, input: input, keyName: key.name,
            read: { settings, account, scope in
                let resolved = try await settings.effective(key, forAccount: account, scope: scope)
                return (show(resolved.value), resolved.origin)
            },
            write: { settings, text, account, scope, actor in
                let current = try await settings.effective(key, forAccount: account, scope: scope).value
                let value = try parse(text, current)
                guard value != current else { return false }
                try await settings.set(key, to: value, atAccount: account, scope: scope, by: actor)
                return true
            },
            reset: { settings, account, scope, actor in try await settings.reset(key, atAccount: account, scope: scope, by: actor) })
    }

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    static func integer(_ text: String?, _ label: String) throws -> Int {
        guard let text = text?.trimmingCharacters(in: .whitespaces), let value = Int(text) else { throw Invalid(description: "\(label) must be a whole number.") }
        return value
    }

    static func optionalInteger(_ text: String?, _ label: String) throws -> Int? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return try integer(text, label)
    }

    static func choice<E: RawRepresentable & CaseIterable>(_ text: String?, _ type: E.Type, current: E) throws -> E where E.RawValue == String {
        guard let text else { return current }
        guard let value = E(rawValue: text) else { throw Invalid(description: "\(text) is not a valid choice.") }
        return value
    }
}

/// The settings tabs an admin sees at every level (Concord's company, department and user
/// settings), each a list of fields over the inherited settings.
enum SettingsTab: String, CaseIterable, Sendable {
    case fax, coverpage, notifications, custom, limits, security

    var title: String {
        switch self {
        case .fax: "Fax"
        case .coverpage: "Cover page"
        case .notifications: "Notifications"
        case .custom: "Custom"
        case .limits: "Limits"
        case .security: "Security"
        }
    }

    /// Tabs behind the Security Policy rights rather than the Settings right.
    var isSecurity: Bool { self == .security }

    /// The fields shown at a node of `kind`: a company's maximum number inventory is set by its
    /// provider (platform or reseller), never by the company itself.
    func fields(at kind: AccountKind) -> [SettingField] {
        fields.filter { $0.id != "maximum_inventory" || kind == .platform || kind == .reseller }
    }

    var fields: [SettingField] {
        switch self {
        case .fax:
            return [
                .make(Settings.inboundFileType, id: "inbound_file_type", label: "Inbound file type",
                      input: .select([("pdf", "PDF"), ("tiff", "TIFF"), ("tiff_hires", "TIFF (high resolution)")]),
                      show: \.rawValue, parse: { try SettingField.choice($0, InboundFileType.self, current: $1) }),
                .make(Settings.pageSeparation, id: "page_separation", label: "Fax page separation (one document per page)", input: .checkbox,
                      show: { $0 ? "on" : "" }, parse: { text, _ in text != nil }),
                .make(Settings.metadata, id: "metadata", label: "Add metadata", input: .select([("none", "None"), ("xml", "XML"), ("json", "JSON")]),
                      show: \.rawValue, parse: { try SettingField.choice($0, FaxMetadataFormat.self, current: $1) }),
                .make(Settings.requireSPF, id: "require_spf", label: "Require SPF record for e-mail-to-fax", input: .checkbox,
                      show: { $0 ? "on" : "" }, parse: { text, _ in text != nil }),
            ]
        case .coverpage:
            let behaviours: [(value: String, label: String)] = [
                ("automatic", "Always add a cover page"),
                ("automatic_requires_attachment", "Always add a cover page; an attachment is required"),
                ("on_demand", "Add a cover page when the sender asks"),
                ("on_demand_requires_attachment", "Add a cover page when the sender asks; an attachment is required"),
                ("with_body_text", "Add a cover page with the e-mail body text"),
                ("with_body_text_requires_attachment", "Add a cover page with the e-mail body text; an attachment is required"),
                ("none", "Never add a cover page"),
            ]
            return [
                .make(Settings.coverPageTemplate, id: "coverpage_template", label: "Default cover page template", input: .text, show: { $0 },
                      parse: { text, current in text?.trimmingCharacters(in: .whitespaces) ?? current }),
                .make(Settings.coverPageBehaviour, id: "coverpage_behaviour", label: "Cover page behaviour", input: .select(behaviours),
                      show: \.rawValue, parse: { try SettingField.choice($0, CoverPageBehaviour.self, current: $1) }),
                .make(Settings.coverPageRestrictToAssigned, id: "coverpage_restrict", label: "Users may only use the cover pages assigned to them",
                      input: .checkbox, show: { $0 ? "on" : "" }, parse: { text, _ in text != nil }),
            ]
        case .notifications:
            func flag(_ id: String, _ label: String, _ path: WritableKeyPath<NotificationSettings, Bool> & Sendable) -> SettingField {
                .make(Settings.notifications, id: id, label: label, input: .checkbox, show: { $0[keyPath: path] ? "on" : "" },
                      parse: { text, current in var v = current; v[keyPath: path] = text != nil; return v })
            }
            return [
                flag("outbound_success", "E-mail when an outbound fax is delivered", \.outboundSuccess),
                flag("outbound_failure", "E-mail when an outbound fax fails", \.outboundFailure),
                flag("inbound_received", "E-mail when a fax is received", \.inboundReceived),
                flag("email_initial_notice", "Confirm receipt of e-mail-to-fax submissions", \.emailToFaxInitialNotice),
                flag("include_document", "Attach the fax document to notices", \.includeDocument),
                flag("attach_report", "Attach the transmission confirmation report to delivery notices", \.attachReport),
                .make(Settings.welcomeMessageDefault, id: "welcome_default", label: "Default welcome message",
                      input: .select([("none", "No welcome message"), ("welcome", "Welcome message"),
                                      ("welcome_with_credentials", "Welcome message with credentials (a link to set the password)")]),
                      show: \.rawValue, parse: { try SettingField.choice($0, WelcomeMessageDefault.self, current: $1) }),
            ]
        case .custom:
            return [
                .make(Settings.timeZone, id: "time_zone", label: "Time zone", input: .text, show: { $0 },
                      parse: { text, current in text?.trimmingCharacters(in: .whitespaces) ?? current }),
                .make(Settings.dateFormat, id: "date_format", label: "Date format",
                      input: .select(["yyyy-MM-dd", "MM/dd/yyyy", "dd/MM/yyyy", "dd.MM.yyyy", "d MMM yyyy", "MMM d, yyyy"].map { ($0, $0) }),
                      show: { $0 }, parse: { text, current in text ?? current }),
                .make(Settings.timeFormat, id: "time_format", label: "Time format", input: .select([("HH:mm", "13:45"), ("h:mm a", "1:45 PM")]),
                      show: { $0 }, parse: { text, current in text ?? current }),
            ]
        case .limits:
            return [
                .make(Settings.dailyFaxLimit, id: "daily_faxes", label: "Daily fax limit (empty: no limit)", input: .number,
                      show: { $0.map(String.init) ?? "" }, parse: { text, _ in try SettingField.optionalInteger(text, "The daily limit") }),
                .make(Settings.monthlyFaxLimit, id: "monthly_faxes", label: "Monthly fax limit (empty: no limit)", input: .number,
                      show: { $0.map(String.init) ?? "" }, parse: { text, _ in try SettingField.optionalInteger(text, "The monthly limit") }),
                .make(Settings.maximumNumberInventory, id: "maximum_inventory", label: "Maximum fax number inventory per company", input: .number,
                      show: { String($0) }, parse: { text, _ in try SettingField.integer(text, "The maximum inventory") }),
                .make(Settings.retryPolicy, id: "retry_attempts", label: "Attempts per outbound fax", input: .number,
                      show: { String($0.attempts) }, parse: { text, current in var v = current; v.attempts = try SettingField.integer(text, "Attempts"); return v }),
                .make(Settings.retryPolicy, id: "retry_interval", label: "Seconds between attempts", input: .number,
                      show: { String($0.intervalSeconds) }, parse: { text, current in var v = current; v.intervalSeconds = try SettingField.integer(text, "The interval"); return v }),
            ]
        case .security:
            func number(_ id: String, _ label: String, _ path: WritableKeyPath<SecurityPolicy, Int> & Sendable) -> SettingField {
                .make(Settings.securityPolicy, id: id, label: label, input: .number, show: { String($0[keyPath: path]) },
                      parse: { text, current in var v = current; v[keyPath: path] = try SettingField.integer(text, label); return v })
            }
            func flag(_ id: String, _ label: String, _ path: WritableKeyPath<SecurityPolicy, Bool> & Sendable) -> SettingField {
                .make(Settings.securityPolicy, id: id, label: label, input: .checkbox, show: { $0[keyPath: path] ? "on" : "" },
                      parse: { text, current in var v = current; v[keyPath: path] = text != nil; return v })
            }
            return [
                number("minimum_length", "Minimum password length", \.minimumLength),
                flag("require_uppercase", "Require an upper-case letter", \.requireUppercase),
                flag("require_lowercase", "Require a lower-case letter", \.requireLowercase),
                flag("require_digit", "Require a digit", \.requireDigit),
                flag("require_symbol", "Require a symbol", \.requireSymbol),
                number("maximum_age_days", "Password expires after (days, 0: never)", \.maximumAgeDays),
                number("history_count", "Passwords remembered (no reuse)", \.historyCount),
                number("lockout_attempts", "Lock after failed sign-ins (0: never)", \.lockoutAttempts),
                number("lockout_minutes", "Lockout lasts (minutes, 0: until unlocked)", \.lockoutMinutes),
                number("session_timeout_minutes", "Session timeout (idle minutes)", \.sessionTimeoutMinutes),
            ]
        }
    }
}
