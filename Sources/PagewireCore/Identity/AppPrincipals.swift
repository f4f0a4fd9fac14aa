import Foundation

/// Turns a verified app token into the `APIPrincipal` of the user the app acts as: the same
/// account scope a personal token of that user would get, limited to the token's OAuth scopes.
public struct AppPrincipals: Sendable {
    let database: Database

    /// Principals read from `database`.
    public init(database: Database) {
        self.database = database
    }

    /// The principal for `access`, or nil when the acting user is no longer active.
    public func principal(for access: VerifiedAccess) async throws -> APIPrincipal? {
        guard let row = try await database.query(
            """
            SELECT u.id, u.account_id, u.status, a.path, a.company_id,
                (SELECT ga.id FROM admin_grants g JOIN accounts ga ON ga.id = g.account_id
                 WHERE g.user_id = u.id ORDER BY LENGTH(ga.path), ga.id LIMIT 1) AS grant_id,
                (SELECT ga.path FROM admin_grants g JOIN accounts ga ON ga.id = g.account_id
                 WHERE g.user_id = u.id ORDER BY LENGTH(ga.path), ga.id LIMIT 1) AS grant_path
            FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = ?
            """, access.app.actingUserID
        ).first, try row.get("status", as: String.self) == User.Status.active.rawValue else { return nil }
        let accountID: Int64 = try row.get("account_id")
        let path: String = try row.get("path")
        // The app's company bounds everything it reaches, whatever else its user administers.
        guard try row.optional("company_id", as: Int64.self) == access.app.companyID else { return nil }
        var scope = AccountScope(rootID: accountID, path: path)
        if let grantID: Int64 = try row.optional("grant_id"), let grantPath: String = try row.optional("grant_path"),
           grantPath.count < path.count, path.hasPrefix(grantPath) {
            scope = AccountScope(rootID: grantID, path: grantPath)
        }
        var principal = APIPrincipal(
            tokenID: 0, userID: try row.get("id"), accountID: accountID, companyID: access.app.companyID, scope: scope)
        principal.oauthScopes = access.scopes
        principal.appID = access.app.id
        return principal
    }
}
