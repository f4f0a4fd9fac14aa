import Foundation

/// Brands per reseller or company and the host names that select them.
public struct BrandRepository: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Why a brand or domain could not be saved.
    public enum BrandError: Error, Equatable, CustomStringConvertible {
        case invalid(String)
        case hostTaken(String)
        public var description: String {
            switch self {
            case .invalid(let reason): reason
            case .hostTaken(let host): "\(host) already belongs to another account"
            }
        }
    }

    /// The brand a request for `host` is shown in: the brand of the account that owns the host,
    /// or, when that account has none, of its nearest branded ancestor (a company of a reseller
    /// wears the reseller's brand); the platform default for unknown hosts.
    public func brand(forHost host: String) async throws -> Brand {
        let host = Self.normalize(host)
        return try await database.withConnection { c in
            guard let owner = try c.query(
                "SELECT a.path FROM brand_domains d JOIN accounts a ON a.id = d.account_id WHERE d.host = ?", host
            ).first else { return .platformDefault }
            let path: String = try owner.get("path")
            let ancestors = path.split(separator: "/").compactMap { Int64($0) }
            guard !ancestors.isEmpty else { return .platformDefault }
            let placeholders = Array(repeating: "?", count: ancestors.count).joined(separator: ", ")
            let rows = try c.query(
                """
                SELECT b.*, LENGTH(a.path) AS depth FROM brands b JOIN accounts a ON a.id = b.account_id
                WHERE b.account_id IN (\(placeholders)) ORDER BY depth DESC LIMIT 1
                """, ancestors.map { $0 as any SQLEncodable })
            return try rows.first.map(Self.brand(row:)) ?? .platformDefault
        }
    }

    /// Whether `host` is a brand domain of some account (a portal host the platform serves).
    public func isBrandHost(_ host: String) async throws -> Bool {
        let host = Self.normalize(host)
        guard !host.isEmpty, host.count <= 253 else { return false }
        return try await database.query("SELECT 1 AS one FROM brand_domains WHERE host = ?", host).first != nil
    }

    /// The brand domains users of the account at `path` sign in on: its own and its ancestors'
    /// (a company of a reseller signs in on the reseller's domains), nearest first.
    public func hosts(servingAccountPath path: String) async throws -> [String] {
        try await database.query(
            """
            SELECT d.host FROM brand_domains d JOIN accounts a ON a.id = d.account_id
            WHERE ? LIKE CONCAT(a.path, '%') ORDER BY LENGTH(a.path) DESC, d.host LIMIT 20
            """, path
        ).map { try $0.get("host", as: String.self) }
    }

    /// The brand set at `accountID` itself (inside `scope`), if any.
    public func brand(ofAccount accountID: Int64, scope: AccountScope) async throws -> Brand? {
        try await database.withConnection { c in
            guard try AccountRepository.fetch(c, id: accountID, scope: scope) != nil else { throw AccountError.notFound }
            return try c.query("SELECT * FROM brands WHERE account_id = ?", accountID).first.map(Self.brand(row:))
        }
    }

    /// Sets the brand of a reseller or company inside `scope`.
    public func save(_ brand: Brand, accountID: Int64, scope: AccountScope) async throws {
        if let problem = brand.problem { throw BrandError.invalid(problem) }
        try await database.transaction { c in
            guard let account = try AccountRepository.fetch(c, id: accountID, scope: scope) else { throw AccountError.notFound }
            guard account.kind == .reseller || account.kind == .company || account.kind == .platform else {
                throw BrandError.invalid("brands belong to the platform, a reseller or a company")
            }
            try c.execute(
                """
                INSERT INTO brands (account_id, name, page_title, logo_url, footer_text, primary_colour, accent_colour, support_email, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON DUPLICATE KEY UPDATE name = VALUES(name), page_title = VALUES(page_title), logo_url = VALUES(logo_url),
                    footer_text = VALUES(footer_text), primary_colour = VALUES(primary_colour), accent_colour = VALUES(accent_colour),
                    support_email = VALUES(support_email), updated_at = VALUES(updated_at)
                """,
                accountID, brand.name, brand.pageTitle, brand.logoURL, brand.footerText, brand.primaryColour.lowercased(),
                brand.accentColour.lowercased(), brand.supportEmail, Date())
        }
    }

    /// Points `host` at an account inside `scope`.
    public func addDomain(_ host: String, accountID: Int64, scope: AccountScope) async throws {
        let host = Self.normalize(host)
        guard host.count <= 253, (try? #/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/#.wholeMatch(in: host)) != nil else {
            throw BrandError.invalid("\(host) is not a host name")
        }
        do {
            try await database.transaction { c in
                guard try AccountRepository.fetch(c, id: accountID, scope: scope) != nil else { throw AccountError.notFound }
                try c.execute("INSERT INTO brand_domains (host, account_id) VALUES (?, ?)", host, accountID)
            }
        } catch let error as DatabaseError where error.kind == .duplicateKey {
            throw BrandError.hostTaken(host)
        }
    }

    /// Lower case, without a port or a trailing dot.
    public static func normalize(_ host: String) -> String {
        var h = host.lowercased()
        if h.hasPrefix("[") { return h }
        if let colon = h.lastIndex(of: ":") { h = String(h[..<colon]) }
        if h.hasSuffix(".") { h.removeLast() }
        return h
    }

    static func brand(row: SQLRow) throws -> Brand {
        Brand(
            accountID: try row.get("account_id"), name: try row.get("name"), pageTitle: try row.get("page_title"),
            logoURL: try row.optional("logo_url"), footerText: try row.get("footer_text"),
            primaryColour: try row.get("primary_colour"), accentColour: try row.get("accent_colour"),
            supportEmail: try row.optional("support_email"))
    }
}
