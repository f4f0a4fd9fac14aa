import Foundation

/// The addresses a user may e-mail faxes from (`user_sending_addresses`), besides the user's own
/// e-mail address, as in Kazoo's faxbox and Concord's "registered sending address".
public struct SendingAddressRepository: Sendable {
    /// Where the addresses live.
    public let database: Database

    /// A repository over `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Why an address cannot be registered.
    public enum AddressError: Error, Equatable, CustomStringConvertible {
        case taken(String)
        /// The address is another user's own e-mail address: their mail must stay theirs.
        case anotherUsersAddress(String)

        public var description: String {
            switch self {
            case .taken(let a): "\(a) is already a sending address of a user of this company"
            case .anotherUsersAddress(let a): "\(a) is the e-mail address of another user of this company"
            }
        }
    }

    /// Lower-cases and trims an address (the domain part is case-insensitive; local parts are
    /// compared case-insensitively too, as every major mail provider treats them).
    public static func normalise(_ address: String) -> String {
        address.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// Registers `address` for the user `userID` (inside `scope`).
    public func add(_ address: String, userID: Int64, scope: AccountScope, now: Date = Date()) async throws {
        let email = try UserRepository.validatedEmail(Self.normalise(address))
        do {
            try await database.transaction { c in
                guard let user = try UserRepository.fetch(c, id: userID, scope: scope),
                      let account = try AccountRepository.fetch(c, id: user.accountID, scope: scope),
                      let companyID = account.companyID
                else { throw AccountError.notFound }
                if let company = try AccountRepository.fetch(c, id: companyID, scope: nil), try !c.query(
                    "SELECT u.id FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.email = ? AND u.id <> ? AND a.path LIKE ? LIMIT 1",
                    email, userID, company.scope.pathPattern
                ).isEmpty {
                    throw AddressError.anotherUsersAddress(email)
                }
                try c.execute(
                    "INSERT INTO user_sending_addresses (user_id, company_id, address, created_at) VALUES (?, ?, ?, ?)",
                    userID, companyID, email, now)
            }
        } catch let error as DatabaseError where error.kind == .duplicateKey {
            throw AddressError.taken(email)
        }
    }

    /// Removes a registered address of a user inside `scope`; returns whether it existed.
    @discardableResult
    public func remove(_ address: String, userID: Int64, scope: AccountScope) async throws -> Bool {
        try await database.execute(
            """
            DELETE s FROM user_sending_addresses s JOIN users u ON u.id = s.user_id JOIN accounts a ON a.id = u.account_id
            WHERE s.user_id = ? AND s.address = ? AND a.path LIKE ?
            """,
            userID, Self.normalise(address), scope.pathPattern
        ).affectedRows > 0
    }

    /// The registered addresses of a user inside `scope`.
    public func list(userID: Int64, scope: AccountScope) async throws -> [String] {
        try await database.query(
            """
            SELECT s.address FROM user_sending_addresses s JOIN users u ON u.id = s.user_id JOIN accounts a ON a.id = u.account_id
            WHERE s.user_id = ? AND a.path LIKE ? ORDER BY s.address
            """,
            userID, scope.pathPattern
        ).map { try $0.get("address") }
    }

    /// The active user of the company `companyID` who may send from `address`: the user whose own
    /// e-mail address it is, else the user who registered it as a sending address. Nil means unauthorised.
    public func authorisedSender(_ address: String, companyID: Int64) async throws -> User? {
        let address = Self.normalise(address)
        guard !address.isEmpty else { return nil }
        return try await database.withConnection { c in
            guard let company = try AccountRepository.fetch(c, id: companyID, scope: nil) else { return nil }
            let scope = company.scope
            // A user's own address is theirs first: a colleague cannot claim it as a sending address.
            if let user = try c.query(
                """
                SELECT \(User.columns) FROM users u JOIN accounts a ON a.id = u.account_id
                WHERE u.email = ? AND a.path LIKE ? AND u.status = 'active' ORDER BY u.id LIMIT 1
                """,
                address, scope.pathPattern
            ).first.map(User.init(row:)) {
                return user
            }
            return try c.query(
                """
                SELECT \(User.columns) FROM user_sending_addresses s JOIN users u ON u.id = s.user_id
                JOIN accounts a ON a.id = u.account_id
                WHERE s.company_id = ? AND s.address = ? AND a.path LIKE ? AND u.status = 'active' LIMIT 1
                """,
                companyID, address, scope.pathPattern
            ).first.map(User.init(row:))
        }
    }
}
