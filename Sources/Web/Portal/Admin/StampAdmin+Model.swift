import Foundation
import PagewireCore

/// The inbound header/footer section of the Custom tab: the stamp (or none), where it comes
/// from, and the preview images of the values shown (saved, or a draft being previewed).
struct StampAdminModel: Sendable {
    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    /// Values from the form, not saved.
    struct Draft: Sendable {
        var enabled: Bool
        var text: String
        var position: StampPosition
        var pages: StampPages

        /// The draft in `form` (fields `stamp_enabled`, `stamp_text`, `stamp_position`, `stamp_pages`).
        init(form: FormData) {
            enabled = form["stamp_enabled"] != nil
            text = (form["stamp_text"] ?? "").trimmingCharacters(in: .whitespaces)
            position = form["stamp_position"].flatMap(StampPosition.init(rawValue:)) ?? .footer
            pages = form["stamp_pages"].flatMap(StampPages.init(rawValue:)) ?? .every
        }

        init(enabled: Bool, text: String, position: StampPosition, pages: StampPages) {
            self.enabled = enabled
            self.text = text
            self.position = position
            self.pages = pages
        }

        /// The stamp to store: nil when disabled.
        var stamp: InboundStamp? { enabled ? InboundStamp(text: text, position: position, pages: pages) : nil }
    }

    let accountID: Int64
    let enabled: Bool
    let text: String
    let positions: [Option]
    let pageChoices: [Option]
    let origin: String
    let resettable: Bool
    let canChange: Bool
    let tokens: String
    let previewAction: String
    let previewBase: String
    let previewFirst: String
    let previewSecond: String
    let isDraft: Bool
    let error: String?

    /// The preview image URL of page `page` for these values.
    static func previewURL(accountID: Int64, text: String, position: StampPosition, pages: StampPages, page: Int) -> String {
        var components = URLComponents()
        components.path = "/admin/accounts/\(accountID)/stamp/preview.png"
        components.queryItems = [
            URLQueryItem(name: "text", value: text), URLQueryItem(name: "position", value: position.rawValue),
            URLQueryItem(name: "pages", value: pages.rawValue), URLQueryItem(name: "page", value: String(page)),
        ]
        // `+` would read as a space in a query.
        return (components.string ?? components.path).replacingOccurrences(of: "+", with: "%2B")
    }

    static func query(_ target: AdminTarget, database: Database, draft: Draft?, error: String?) async throws -> StampAdminModel {
        let id = target.account.id
        let resolved = try await SettingsRepository(database: database).effective(Settings.inboundStamp, forAccount: id, scope: target.scope)
        let saved = Draft(enabled: resolved.value != nil, text: resolved.value?.text ?? "", position: resolved.value?.position ?? .footer,
                          pages: resolved.value?.pages ?? .every)
        let shown = draft ?? saved
        let origin: String
        var resettable = false
        switch resolved.origin {
        case .platformDefault: origin = "Platform default (no header/footer)"
        case .user: origin = "Set for the user"
        case .account(let from, let kind):
            if from == id {
                origin = "Set here"
                resettable = true
            } else {
                let name = try await AccountRepository(database: database).get(from, scope: target.scope)?.name ?? ""
                origin = "Inherited from the \(kind.rawValue)" + (name.isEmpty ? "" : " \(name)")
            }
        }
        let previewText = shown.enabled ? shown.text : ""
        return StampAdminModel(
            accountID: id, enabled: shown.enabled, text: shown.text,
            positions: [("footer", "Footer"), ("header", "Header")].map { Option(value: $0.0, label: $0.1, selected: $0.0 == shown.position.rawValue) },
            pageChoices: [("every", "Every page"), ("first", "First page only")].map { Option(value: $0.0, label: $0.1, selected: $0.0 == shown.pages.rawValue) },
            origin: origin, resettable: resettable && target.may(.changeHeaderFooter), canChange: target.may(.changeHeaderFooter),
            tokens: InboundStamp.tokens.map { "{\($0)}" }.joined(separator: " "),
            previewAction: "/admin/accounts/\(id)/stamp/preview", previewBase: "/admin/accounts/\(id)/stamp/preview.png",
            previewFirst: previewURL(accountID: id, text: previewText, position: shown.position, pages: shown.pages, page: 1),
            previewSecond: previewURL(accountID: id, text: previewText, position: shown.position, pages: shown.pages, page: 2),
            isDraft: draft != nil, error: error)
    }
}
