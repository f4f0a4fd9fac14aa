import Foundation

/// Where links in e-mails to a user point, and whose brand the e-mail wears: the user's nearest
/// branded host (from their own account node up), else `web.public_url` — never a host that a
/// request named, so nobody can make Pagewire mail a link to their own site.
public enum PortalLinks {
    /// The base URL (no trailing slash) and brand for the user `userID`.
    public static func base(forUser userID: Int64, database: Database, publicURL: String) async throws -> (url: String, brand: Brand) {
        let path: String = try await database.query(
            "SELECT a.path FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = ?", userID)[0].get("path")
        let host: String? = try await database.query(
            """
            SELECT d.host FROM brand_domains d JOIN accounts a ON a.id = d.account_id
            WHERE ? LIKE CONCAT(a.path, '%') ORDER BY LENGTH(a.path) DESC, d.host LIMIT 1
            """, path
        ).first?.get("host")
        guard let host else { return (publicURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")), .platformDefault) }
        return ("https://" + host, try await BrandRepository(database: database).brand(forHost: host))
    }
}
