import Foundation

/// Sends the e-mail notices about outbound faxes through the SMTP relay (libcurl), branded with
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
            SELECT f.id, f.state, f.result_code, f.remote_number, f.pages, f.pages_sent, f.attempts, f.user_id, f.created_at,
                   u.email, u.display_name, co.name AS company_name,
                   (SELECT r.name FROM accounts r WHERE r.kind = 'reseller' AND co.path LIKE CONCAT(r.path, '%')
                    ORDER BY LENGTH(r.path) DESC LIMIT 1) AS brand,
                   (SELECT a.remote_csid FROM fax_attempts a WHERE a.fax_id = f.id ORDER BY a.n DESC LIMIT 1) AS remote_csid
            FROM faxes f JOIN users u ON u.id = f.user_id JOIN accounts co ON co.id = f.company_id WHERE f.id = ?
            """, faxID
        ).first else { return .noRecipient }
        let userID: Int64 = try row.get("user_id")
        let state = FaxState(rawValue: try row.get("state")) ?? .failed
        let preferences = try await settings.effective(Settings.notifications, forUser: userID).value
        switch notice {
        case .accepted: guard preferences.emailToFaxInitialNotice else { return .switchedOff }
        case .final:
            guard state.isFinal else { return .switchedOff }
            guard state == .delivered ? preferences.outboundSuccess : preferences.outboundFailure else { return .switchedOff }
        }
        let recipient: String = try row.get("email")
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
