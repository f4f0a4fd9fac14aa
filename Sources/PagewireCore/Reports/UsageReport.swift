import Foundation

/// Fax usage per user under a node over a period: faxes and pages sent and received, with the
/// user's department and the custom fields administrators record (cost centre, employee id) so
/// the report can be charged back. Faxes of a shared queue (no user) form a row of their own.
public struct UsageReport: Sendable {
    /// One user's (or queue's) usage in one department.
    public struct Row: Sendable, Equatable {
        public var userID: Int64?
        public var name: String
        public var email: String
        public var department: String
        public var costCentre: String
        public var employeeID: String
        public var faxesSent: Int
        public var pagesSent: Int
        public var faxesDelivered: Int
        public var faxesFailed: Int
        public var faxesReceived: Int
        public var pagesReceived: Int
    }

    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The rows for faxes created in `[from, to)` at `node` and below, busiest first. The scope
    /// is the node's own subtree (the caller's rights were checked on it).
    public func rows(under node: Account, from: Date, to: Date) async throws -> [Row] {
        try await database.query(
            """
            SELECT f.user_id, COALESCE(u.display_name, '') AS name, COALESCE(u.email, '') AS email, a.name AS department,
                   COALESCE(u.cost_centre, '') AS cost_centre, COALESCE(u.employee_id, '') AS employee_id,
                   CAST(SUM(f.direction = 'outbound') AS SIGNED) AS faxes_sent,
                   CAST(SUM(CASE WHEN f.direction = 'outbound' THEN f.pages_sent ELSE 0 END) AS SIGNED) AS pages_sent,
                   CAST(SUM(f.direction = 'outbound' AND f.state IN ('delivered', 'partially_delivered')) AS SIGNED) AS faxes_delivered,
                   CAST(SUM(f.direction = 'outbound' AND f.state = 'failed') AS SIGNED) AS faxes_failed,
                   CAST(SUM(f.direction = 'inbound') AS SIGNED) AS faxes_received,
                   CAST(SUM(CASE WHEN f.direction = 'inbound' THEN COALESCE(f.pages, 0) ELSE 0 END) AS SIGNED) AS pages_received
            FROM faxes f JOIN accounts a ON a.id = f.account_id LEFT JOIN users u ON u.id = f.user_id
            WHERE a.path LIKE ? AND f.created_at >= ? AND f.created_at < ?
            GROUP BY f.user_id, f.account_id, a.name, u.display_name, u.email, u.cost_centre, u.employee_id
            ORDER BY SUM(CASE WHEN f.direction = 'outbound' THEN f.pages_sent ELSE COALESCE(f.pages, 0) END) DESC, department, email
            LIMIT 100000
            """, AuditLog.likePrefix(node.path), from, to
        ).map { row in
            Row(userID: try row.optional("user_id", as: Int64.self), name: try row.get("name"), email: try row.get("email"), department: try row.get("department"),
                costCentre: try row.get("cost_centre"), employeeID: try row.get("employee_id"),
                faxesSent: Int(try row.get("faxes_sent", as: Int64.self)), pagesSent: Int(try row.get("pages_sent", as: Int64.self)),
                faxesDelivered: Int(try row.get("faxes_delivered", as: Int64.self)), faxesFailed: Int(try row.get("faxes_failed", as: Int64.self)),
                faxesReceived: Int(try row.get("faxes_received", as: Int64.self)), pagesReceived: Int(try row.get("pages_received", as: Int64.self)))
        }
    }

    /// The rows as CSV (formulas defused, as every export is).
    public static func csv(_ rows: [Row]) -> String {
        var lines = ["user_id,name,email,department,cost_centre,employee_id,faxes_sent,pages_sent,faxes_delivered,faxes_failed,faxes_received,pages_received"]
        for r in rows {
            let fields = [r.userID.map(String.init) ?? "", r.name, r.email, r.department, r.costCentre, r.employeeID].map(AuditLog.csvField)
                + [r.faxesSent, r.pagesSent, r.faxesDelivered, r.faxesFailed, r.faxesReceived, r.pagesReceived].map(String.init)
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
