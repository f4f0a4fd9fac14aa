import Foundation

/// A domain that e-mail to fax accepts, and the company it belongs to.
public struct FaxDomain: Sendable, Equatable {
    /// Lower-case domain name.
    public let domain: String
    /// The company whose users send through it.
    public let companyID: Int64
}

/// Company fax domains (`fax_domains`): `<number>@<domain>` picks the company by its domain.
public struct FaxDomainRepository: Sendable {
    /// Where the domains live.
    public let database: Database

    /// A repository over `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Why a domain cannot be added.
    public enum DomainError: Error, Equatable, CustomStringConvertible {
        case invalid(String)
        case taken(String)
        case notACompany

        public var description: String {
            switch self {
            case .invalid(let d): "\(d) is not a domain name"
            case .taken(let d): "\(d) is already the fax domain of a company"
            case .notACompany: "fax domains belong to companies"
            }
        }
    }

    /// Normalises a domain name (lower case, no trailing dot) or nil when it is not one.
    public static func normalise(_ text: String) -> String? {
        var d = text.trimmingCharacters(in: .whitespaces).lowercased()
        if d.hasSuffix(".") { d.removeLast() }
        let labels = d.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, d.count <= 253, labels.allSatisfy({ label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }) else { return nil }
        return d
    }

    /// Makes `domain` a fax domain of `companyID` (a company inside `scope`).
    @discardableResult
    public func add(_ domain: String, companyID: Int64, scope: AccountScope, now: Date = Date()) async throws -> FaxDomain {
        guard let name = Self.normalise(domain) else { throw DomainError.invalid(domain) }
        do {
            try await database.transaction { c in
                guard let account = try AccountRepository.fetch(c, id: companyID, scope: scope) else { throw AccountError.notFound }
                guard account.kind == .company else { throw DomainError.notACompany }
                try c.execute("INSERT INTO fax_domains (domain, company_id, created_at) VALUES (?, ?, ?)", name, companyID, now)
            }
        } catch let error as DatabaseError where error.kind == .duplicateKey {
            throw DomainError.taken(name)
        }
        return FaxDomain(domain: name, companyID: companyID)
    }

    /// Removes a fax domain of a company inside `scope`; returns whether it existed.
    @discardableResult
    public func remove(_ domain: String, scope: AccountScope) async throws -> Bool {
        guard let name = Self.normalise(domain) else { return false }
        return try await database.execute(
            "DELETE d FROM fax_domains d JOIN accounts a ON a.id = d.company_id WHERE d.domain = ? AND a.path LIKE ?",
            name, scope.pathPattern
        ).affectedRows > 0
    }

    /// The fax domains of companies inside `scope`.
    public func list(scope: AccountScope) async throws -> [FaxDomain] {
        try await database.query(
            "SELECT d.domain, d.company_id FROM fax_domains d JOIN accounts a ON a.id = d.company_id WHERE a.path LIKE ? ORDER BY d.domain",
            scope.pathPattern
        ).map { FaxDomain(domain: try $0.get("domain"), companyID: try $0.get("company_id")) }
    }

    /// The company an incoming recipient domain belongs to, if it is an active company.
    /// Unscoped on purpose: the SMTP gateway acts for the whole platform, and the domain is the scope.
    public func lookup(_ domain: String) async throws -> FaxDomain? {
        guard let name = Self.normalise(domain) else { return nil }
        return try await database.query(
            """
            SELECT d.domain, d.company_id FROM fax_domains d JOIN accounts a ON a.id = d.company_id
            WHERE d.domain = ? AND a.status = 'active'
            """,
            name
        ).first.map { FaxDomain(domain: try $0.get("domain"), companyID: try $0.get("company_id")) }
    }

    /// The company a fax domain belongs to, whatever that company's status (for administration;
    /// callers check the admin's scope on the company).
    public func lookupAny(_ domain: String) async throws -> FaxDomain? {
        guard let name = Self.normalise(domain) else { return nil }
        return try await database.query("SELECT domain, company_id FROM fax_domains WHERE domain = ?", name)
            .first.map { FaxDomain(domain: try $0.get("domain"), companyID: try $0.get("company_id")) }
    }
}
