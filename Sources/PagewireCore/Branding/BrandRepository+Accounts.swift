import Foundation

extension BrandRepository {
    /// The brand e-mails about `accountID` carry: the nearest brand strictly above it (a company's
    /// reseller), the platform default when none is set. A system lookup for outgoing mail, by an
    /// id that came from a row the caller already owns.
    public func brand(above accountID: Int64) async throws -> Brand {
        try await database.withConnection { c in
            guard let path: String = try c.query("SELECT path FROM accounts WHERE id = ?", accountID).first?.get("path") else { return .platformDefault }
            let ancestors = path.split(separator: "/").compactMap { Int64($0) }.dropLast()
            guard !ancestors.isEmpty else { return .platformDefault }
            let placeholders = Array(repeating: "?", count: ancestors.count).joined(separator: ", ")
            return try c.query(
                """
                SELECT b.*, LENGTH(a.path) AS depth FROM brands b JOIN accounts a ON a.id = b.account_id
                WHERE b.account_id IN (\(placeholders)) ORDER BY depth DESC LIMIT 1
                """, ancestors.map { $0 as any SQLEncodable }
            ).first.map(Self.brand(row:)) ?? .platformDefault
        }
    }
}
