import Foundation
import Hummingbird
import PagewireCore

/// The OAuth scope each `/v1` route needs from an API app's token (personal tokens carry every
/// scope their user's rights allow; the controllers check those rights as before).
///
/// | routes | scope |
/// |---|---|
/// | `GET /v1/me` | none |
/// | `GET /v1/faxes…` | `fax.read` |
/// | other methods on `/v1/faxes…` | `fax.send` |
/// | `GET /v1/coverpages` | `fax.read` |
/// | `/v1/inbound…` | `inbound.read` |
/// | `/v1/audit-log`, `/v1/reports…` | `reports.read` |
/// | `/v1/apps…` | never (apps are managed with a person's credentials) |
/// | everything else (accounts, users, numbers, webhooks, port requests, …) | `accounts.manage` |
enum APIScopePolicy {
    /// The scope no app token carries.
    static let personalOnly = "apps.manage"

    static func requiredScope(method: HTTPRequest.Method, path: String) -> String? {
        let relative = path.hasPrefix("/v1/") ? String(path.dropFirst(4)) : path
        let first = relative.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        switch first {
        case "me": return nil
        case "faxes": return method == .get ? "fax.read" : "fax.send"
        // the cover page templates a sender may use
        case "coverpages": return "fax.read"
        case "inbound": return "inbound.read"
        case "audit-log", "reports": return "reports.read"
        case "apps": return personalOnly
        default: return "accounts.manage"
        }
    }

    /// Throws 403 with an RFC 6750 `insufficient_scope` challenge when `principal` lacks the scope.
    static func check(_ principal: APIPrincipal, method: HTTPRequest.Method, path: String) throws {
        guard let scope = requiredScope(method: method, path: path), !principal.allows(scope: scope) else { return }
        var problem = Problem("insufficient-scope", status: .forbidden, title: "Insufficient scope",
                              detail: scope == personalOnly ? "API apps are managed with a personal API token of an administrator"
                                                            : "this operation needs the '\(scope)' scope; the app's resources do not grant it")
        problem.extraHeaders[.wwwAuthenticate] = "Bearer realm=\"pagewire\", error=\"insufficient_scope\", scope=\"\(scope)\""
        throw problem
    }
}
