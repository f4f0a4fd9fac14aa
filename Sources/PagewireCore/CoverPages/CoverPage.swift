import Foundation

/// A cover page template an account level uploaded (the guide's Coverpage tab). Its text is in
/// the `.coverpage` format of `Resources/Templates/coverpages` (see that folder's README); users
/// at the level and below may use it, by its key `custom-<id>`.
public struct CoverPage: Sendable, Equatable {
    public let id: Int64
    /// The level that owns it.
    public let accountID: Int64
    public let name: String
    public let source: String
    public let createdAt: Date
    public let updatedAt: Date

    /// How settings and cover page requests refer to it.
    public var key: String { Self.key(id) }

    /// The key of template `id`.
    public static func key(_ id: Int64) -> String { "custom-\(id)" }

    /// The id in a `custom-<id>` key, or nil for any other name.
    public static func id(fromKey key: String) -> Int64? {
        guard key.hasPrefix("custom-"), let id = Int64(key.dropFirst(7)), id > 0 else { return nil }
        return id
    }

    /// The templates that ship with Pagewire (files in `Resources/Templates/coverpages`) and their display names.
    public static let builtIn: [(key: String, name: String)] = [("plain", "Pagewire default"), ("healthcare", "Pagewire default (healthcare)")]

    /// The built-in key `key` stands for (`default`, the historical platform default, is `plain`), or nil.
    public static func builtInKey(_ key: String) -> String? {
        if key == "default" { return "plain" }
        return builtIn.contains { $0.key == key } ? key : nil
    }

    static let columns = "id, account_id, name, source, created_at, updated_at"

    init(row: SQLRow) throws {
        id = try row.get("id")
        accountID = try row.get("account_id")
        name = try row.get("name")
        source = try row.get("source")
        createdAt = try row.get("created_at")
        updatedAt = try row.get("updated_at")
    }
}

/// Why a cover page template could not be stored or used.
public enum CoverPageError: Error, Equatable, CustomStringConvertible {
    /// The display name is empty, too long or has control characters.
    case invalidName(String)
    /// The uploaded file is too big, malformed or hostile; the text says which and where.
    case invalidTemplate(String)
    /// Another template of the same level has this name.
    case duplicateName(String)
    /// No such template at this level (or outside the caller's subtree).
    case notFound
    /// The sender asked for a template that is not available to them.
    case unavailable(String)
    /// The sender's level allows only the assigned template.
    case restricted(assigned: String)

    public var description: String {
        switch self {
        case .invalidName(let why): "the template name \(why)"
        case .invalidTemplate(let why): "the template cannot be used: \(why)"
        case .duplicateName(let name): "a template named \(name) already exists at this level"
        case .notFound: "no such cover page template"
        case .unavailable(let key): "no cover page template \(key) is available to you"
        case .restricted(let assigned): "your administrator allows only the assigned cover page (\(assigned))"
        }
    }
}
