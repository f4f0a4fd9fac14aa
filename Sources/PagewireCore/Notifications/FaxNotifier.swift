import Foundation

/// Sends the e-mail notices about faxes (outbound results; inbound receptions that failed and
/// deliveries that failed, to the number's user or, for a shared queue, the nearest admin) through the SMTP relay (libcurl), branded with
/// the reseller's name, each at most once: a notice is written to `fax_notifications` when the
/// relay accepted it, so a retry after an outage never sends it twice.
public struct FaxNotifier: Sendable {
    /// Where and as whom notices are sent.
    public struct Relay: Sendable {
        public var url: String
        public var from: String
        public var username: String?
        public var password: String?

        public init(url: String, from: String, username: String? = nil, password: String? = nil) {
            self.url = url
            self.from = from
            self.username = username
            self.password = password
        }
    }

    /// Makes the transmission confirmation report (PDF) of a fax; the rendering lives in
    /// FaxEngine, so `pagewire-jobs` passes it in.
    public typealias ReportMaker = @Sendable (_ faxID: Int64) async throws -> [UInt8]

    public let database: Database
    public let relay: Relay
    let settings: SettingsRepository
    /// Attaches the report to delivery notices for users who asked for it (`notifications.attachReport`).
    let report: ReportMaker?

    public init(database: Database, relay: Relay, report: ReportMaker? = nil) {
        self.database = database
        self.relay = relay
        self.settings = SettingsRepository(database: database)
        self.report = report
    }

    /// What happened to one notice.
    public enum Outcome: Sendable, Equatable { case sent, alreadySent, switchedOff, noRecipient }

    /// Sends `notice` about fax `faxID` unless it was sent before or the sender switched it off.
    /// Throws when the relay refuses or cannot be reached (the work queue retries).
    @discardableResult
    public func send(_ notice: FaxNotice, faxID: Int64, now: Date = Date()) async throws -> Outcome {
        guard try await database.query("SELECT fax_id FROM fax_notifications WHERE fax_id = ? AND notice = ?", faxID, notice.rawValue).isEmpty
        else { return .alreadySent }
        guard let row = try await database.query(
            """
            SELECT f.id, f.direction, f.state, f.result_code, f.remote_number, f.local_number, f.partial, f.queue_name, f.pages,
                   f.pages_sent, f.attempts, f.created_at, co.name AS company_name,
                   COALESCE(f.user_id, (SELECT g.user_id FROM admin_grants g JOIN accounts ga ON ga.id = g.account_id
                                        WHERE fa.path LIKE CONCAT(ga.path, '%') ORDER BY LENGTH(ga.path) DESC, g.user_id LIMIT 1)) AS owner_id,
                   (SELECT r.name FROM accounts r WHERE r.kind = 'reseller' AND co.path LIKE CONCAT(r.path, '%')
                    ORDER BY LENGTH(r.path) DESC LIMIT 1) AS brand,
                   (SELECT a.remote_csid FROM fax_attempts a WHERE a.fax_id = f.id ORDER BY a.n DESC LIMIT 1) AS remote_csid
            FROM faxes f JOIN accounts co ON co.id = f.company_id JOIN accounts fa ON fa.id = f.account_id WHERE f.id = ?
            """, faxID
        ).first, let userID: Int64 = try row.optional("owner_id"),
              let user = try await database.query("SELECT email FROM users WHERE id = ?", userID).first else { return .noRecipient }
        let state = FaxState(rawValue: try row.get("state")) ?? .failed
        let inbound = try row.get("direction", as: String.self) == "inbound"
        let preferences = try await settings.effective(Settings.notifications, forUser: userID).value
        switch notice {
        case .accepted: guard preferences.emailToFaxInitialNotice, !inbound else { return .switchedOff }
        case .final:
            guard state.isFinal else { return .switchedOff }
            // Inbound: a failed reception or a failed delivery is always told (nothing else reaches the owner).
            if !inbound {
                guard state == .delivered ? preferences.outboundSuccess : preferences.outboundFailure else { return .switchedOff }
            } else {
                guard state == .failed || state == .deliveryFailed else { return .switchedOff }
            }
        }
        let recipient: String = try user.get("email")
        guard recipient.contains("@") else { return .noRecipient }
        let brand: String = try row.optional("brand") ?? "Pagewire"
        let number: String = try row.get("remote_number")
        let shownNumber = (try? E164Number(parsing: number).formatted) ?? number
        let result = try row.optional("result_code", as: String.self).flatMap(ResultCode.init(rawValue:))
        let subject: String
        var lines: [String] = []
        switch notice {
        case .accepted:
            subject = "Fax to \(shownNumber) accepted"
            lines = ["Your fax to \(shownNumber) was accepted and will be sent shortly.", "", "Fax ID: \(faxID)"]
        case .final where inbound:
            let called = try row.optional("local_number", as: String.self).map { (try? E164Number(parsing: $0).formatted) ?? $0 } ?? "your number"
            let caller = number.isEmpty ? "an unknown number" : shownNumber
            let queue = try row.optional("queue_name", as: String.self).map { " (queue \($0))" } ?? ""
            if state == .failed {
                subject = "Fax from \(caller) not received: \(result?.title ?? "General Error")"
                lines = ["A fax call from \(caller) to \(called)\(queue) ended before any page was received.", "",
                         "Reason: \(result?.title ?? "General Error") — \(result?.explanation ?? "")", ""]
            } else {
                let partial: Bool = try row.get("partial")
                let failedRoutes = try await database.query(
                    """
                    SELECT route, target, last_error FROM inbound_deliveries
                    WHERE fax_id = ? AND status = 'failed' AND round = (SELECT delivery_round FROM faxes WHERE id = ?) ORDER BY id
                    """, faxID, faxID)
                subject = "Fax from \(caller) could not be delivered\(partial ? " (potentially partial)" : "")"
                lines = ["A fax from \(caller) to \(called)\(queue) was received but could not be delivered" + (failedRoutes.isEmpty ? "." : " to:")]
                if failedRoutes.isEmpty { lines.append("Its pages could not be prepared for delivery.") }
                for route in failedRoutes {
                    lines.append("  - \(try route.get("route", as: String.self)) \(try route.get("target", as: String.self)): \(try route.optional("last_error", as: String.self) ?? "failed")")
                }
                lines += ["", "It is still in your inbox."]
                if partial { lines.append("The call ended early: the fax is potentially partial.") }
                lines.append("")
            }
            lines += ["Fax ID: \(faxID)", "Pages received: \(try row.optional("pages", as: Int.self) ?? 0)"]
            if let csid: String = try row.optional("remote_csid"), !csid.isEmpty { lines.append("Remote fax ID: \(csid)") }
        case .final:
            if state == .delivered {
                subject = "Fax to \(shownNumber) delivered"
                lines = ["Your fax to \(shownNumber) was delivered.", ""]
            } else {
                subject = "Fax to \(shownNumber) failed: \(result?.title ?? "General Error")"
                lines = ["Your fax to \(shownNumber) could not be \(state == .partiallyDelivered ? "delivered in full" : "delivered").",
                         "", "Reason: \(result?.title ?? "General Error") — \(result?.explanation ?? "")", ""]
            }
            lines += ["Fax ID: \(faxID)", "Pages sent: \(try row.get("pages_sent", as: Int.self)) of \(try row.optional("pages", as: Int.self) ?? 0)",
                      "Attempts: \(try row.get("attempts", as: Int.self))"]
            if let csid: String = try row.optional("remote_csid"), !csid.isEmpty { lines.append("Remote fax ID: \(csid)") }
        }
        lines += ["", "— \(brand) fax service for \(try row.get("company_name", as: String.self))"]
        let domain = relay.from.split(separator: "@").last.map(String.init) ?? "pagewire.local"
        let messageID = "<fax-\(faxID)-\(notice.rawValue)@\(domain)>"
        var message = MailMessage(
            from: relay.from, fromName: "\(brand) Fax", to: recipient, subject: subject, messageID: messageID,
            date: now, body: lines.joined(separator: "\n"))
        if notice == .final, preferences.attachReport, let report {
            message.attachments = [.init(filename: "fax-\(faxID)-report.pdf", contentType: "application/pdf", bytes: try await report(faxID))]
        }
        try await Curl.sendMail(
            url: relay.url, from: relay.from, recipients: [recipient], message: message.rfc5322, username: relay.username, password: relay.password)
        try await database.execute(
            "INSERT IGNORE INTO fax_notifications (fax_id, notice, recipient, message_id, sent_at) VALUES (?, ?, ?, ?, ?)",
            faxID, notice.rawValue, recipient, messageID, now)
        return .sent
    }
}
