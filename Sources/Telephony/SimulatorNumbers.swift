import Foundation
import Logging
import PagewireCore

/// Numbers a fresh install receives on: `scripts/run` (through `simulator-trunk`) puts
/// +1 206 555 0200…0209 into the platform's pool, and once a company with an active user exists
/// and receives on no number yet, gives it +1 206 555 0200 assigned to its first user, so
/// `pagewire-telephony simulate --call +12065550200` reaches an inbox.
enum SimulatorNumbers {
    static let pool = (0...9).map { "+1206555020\($0)" }

    static func wire(database: Database, logger: Logger) async throws {
        let accounts = AccountRepository(database: database)
        guard let platform = try await accounts.platform() else { return }
        let numbers = NumberRepository(database: database)
        let existing = Set(try await numbers.pool(of: platform.id, scope: platform.scope).map(\.e164))
        let missing = pool.filter { !existing.contains($0) }
        if !missing.isEmpty {
            try await numbers.addToPool(missing, poolAccountID: platform.id, region: "Simulator", scope: platform.scope)
            logger.info("Added simulator numbers to the platform pool", metadata: ["numbers": "\(missing.joined(separator: ", "))"])
        }
        // The first company with an active user, if none of its numbers is assigned yet.
        guard let row = try await database.query(
            """
            SELECT a.company_id, u.id AS user_id FROM users u JOIN accounts a ON a.id = u.account_id
            WHERE a.company_id IS NOT NULL AND u.status = 'active'
              AND NOT EXISTS (SELECT 1 FROM numbers n JOIN accounts h ON h.id = n.account_id WHERE h.company_id = a.company_id AND n.state = 'assigned')
            ORDER BY a.company_id, u.id LIMIT 1
            """).first else { return }
        let companyID: Int64 = try row.get("company_id")
        let userID: Int64 = try row.get("user_id")
        guard let first = try await numbers.pool(of: platform.id, scope: platform.scope).first(where: { $0.e164 == pool[0] }),
              first.state == .available else { return }
        try await numbers.take([first.id], forCompany: companyID, scope: platform.scope)
        try await numbers.assign(first.id, toUser: userID, scope: platform.scope)
        logger.info("Assigned a simulator number", metadata: ["number": "\(first.e164)", "account.id": "\(companyID)", "user.id": "\(userID)"])
    }
}
