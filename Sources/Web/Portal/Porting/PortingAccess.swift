import Hummingbird
import PagewireCore

/// Who may work with port requests, and where: a company's admins holding the inventory right
/// ask for ports of their company; platform and reseller staff holding it are the porting team
/// for the companies below them (Concord: only company-level admins add inventory).
enum PortingAccess: Sendable, Equatable {
    case customer(company: Account)
    case staff(scope: AccountScope)

    /// The part of the tree whose requests the caller sees.
    var scope: AccountScope {
        switch self {
        case .customer(let company): company.scope
        case .staff(let scope): scope
        }
    }

    var isStaff: Bool { if case .staff = self { true } else { false } }

    /// The caller's porting role from their admin grants, or nil when they have none.
    static func of(userID: Int64, account: Account, database: Database) async throws -> PortingAccess? {
        let grants = try await UserRepository(database: database).grants(of: userID).filter { $0.allows(.faxPoolInventory, on: $0.account) }
        if account.kind == .platform || account.kind == .reseller {
            guard let grant = grants.filter({ $0.account.kind == .platform || $0.account.kind == .reseller })
                .min(by: { $0.account.path.count < $1.account.path.count }) else { return nil }
            return .staff(scope: grant.account.scope)
        }
        guard let grant = grants.first(where: { $0.account.kind == .company && $0.account.id == account.companyID }) else { return nil }
        return .customer(company: grant.account)
    }

    /// The actor recorded in notes for `user`.
    static func actor(_ user: User) -> PortRequestRepository.Actor {
        PortRequestRepository.Actor(userID: user.id, name: user.displayName.isEmpty ? user.email : user.displayName)
    }

    /// Files accepted as a CSR or bill: PDF or an image of the paper.
    static func fileType(_ bytes: [UInt8]) -> String? {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.count >= prefix.count && bytes.prefix(prefix.count).elementsEqual(prefix) }
        if starts(Array("%PDF-".utf8)) { return "application/pdf" }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return "image/tiff" }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        return nil
    }

    /// The name of who the numbers move to, printed on the LOA: the reseller's brand or name.
    static func gainingProvider(companyID: Int64, database: Database) async throws -> String {
        try await BrandRepository(database: database).brand(above: companyID).name
    }
}
