import Foundation
import PagewireCore

/// The Apps tab: registered apps, the registration form, and one app's credentials.
struct AppsPageModel: Sendable {
    struct Row: Sendable {
        var id: Int64
        var name: String
        var clientID: String
        var resources: String
        var external: Bool
    }
    struct ResourceOption: Sendable {
        var value: String
        var title: String
        var scopes: String
        var checked: Bool
    }
    var apps: [Row]
    var limit: Int
    var count: Int
    var canRegister: Bool
    var resources: [ResourceOption]
    var error: String?
    /// What was typed, shown again after an error.
    var form: [String: String]
}

struct AppDetailModel: Sendable {
    struct Secret: Sendable {
        var id: Int64
        var prefix: String
        var expires: String
        var lastUsed: String
    }
    var id: Int64
    var name: String
    var description: String
    var clientID: String
    var tokenURL: String
    var scopes: String
    var actingUser: String
    var accessTokenSeconds: Int
    var refreshTokens: Bool
    var externalIssuer: String?
    var audience: String?
    var secrets: [Secret]
    var canAddSecret: Bool
    /// A secret just added: shown once, on this answer only.
    var newSecret: String?
    var error: String?
}
