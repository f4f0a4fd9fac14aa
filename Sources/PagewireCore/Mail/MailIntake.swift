import Crypto
import Foundation
import Logging

/// E-mail to fax: checks recipients at RCPT time, stores each message durably before the
/// gateway's final 250, and later turns it into faxes (one per recipient) or a refusal, always
/// answered by a `mail.notice` unless the message was automatic.
///
/// The message is stored as an encrypted vault document (`message/rfc822`, an original of the
/// recipients' company) plus a `mail_messages` row and a `mail.intake` work item committed
/// together; processing is idempotent (the faxes carry the idempotency key `mail-<id>`), so
/// a crash at any point after the 250 still ends with faxes and exactly one notice.
public struct MailIntake: Sendable {
    /// The work kind that processes a stored message.
    public static let processKind = "mail.intake"

    /// Where everything lives.
    public let database: Database
    /// The vault's document store (raw messages and attachments).
    public let documents: DocumentStore
    /// Reads MIME.
    public let parser: any MailParser
    /// Decides which attachments can be faxed.
    public let classifier: any AttachmentClassifier
    /// Checks SPF for companies that require it (`fax.email_require_spf`); without one, such
    /// companies refuse every message, since the check cannot pass.
    public let spf: (any SPFVerifier)?
    let logger: Logger

    /// An intake over `database` and the vault's `documents`.
    public init(
        database: Database, documents: DocumentStore, parser: any MailParser, classifier: any AttachmentClassifier,
        spf: (any SPFVerifier)? = nil, logger: Logger
    ) {
        self.database = database
        self.documents = documents
        self.parser = parser
        self.classifier = classifier
        self.spf = spf
        self.logger = logger
    }

    // MARK: - SMTP time

    /// Checks one RCPT TO address: a well-formed fax number at the fax domain of an active
    /// company whose vault can store the message.
    public func checkRecipient(_ address: String) async throws -> RecipientCheck {
        let parsed: FaxMailAddress
        do { parsed = try FaxMailAddress(parsing: address) } catch { return .rejected(error.description) }
        guard let domain = try await FaxDomainRepository(database: database).lookup(parsed.domain) else {
            return .rejected("\(parsed.domain) is not a fax domain of any company here")
        }
        let ready = try await database.query(
            """
            SELECT v.company_id FROM company_vaults v JOIN company_keys k ON k.company_id = v.company_id AND k.state = 'active'
            WHERE v.company_id = ? LIMIT 1
            """,
            domain.companyID)
        guard !ready.isEmpty else { return .rejected("the company of \(parsed.domain) cannot receive documents yet (its vault is not set up)") }
        return .accepted(parsed, companyID: domain.companyID)
    }

    /// Stores a message and its processing work; returns the `mail_messages` id. Only after this
    /// returns may the gateway answer 250.
    public func store(_ envelope: InboundEnvelope, raw: [UInt8], now: Date = Date()) async throws -> Int64 {
        let recipients = String(decoding: try JSONEncoder().encode(envelope.recipients.map(\.address)), as: UTF8.self)
        let transitKey = documents.transit.current
        // One transaction, one commit: the encrypted message, its row and its work exist together or not at all.
        return try await database.transaction { c in
            let writer = try ChunkWriter.begin(
                on: c, companyID: envelope.companyID, accountID: envelope.companyID, kind: .original, contentType: "message/rfc822",
                transitKey: transitKey, transitCopy: true, now: now)
            try writer.append(raw, on: c)
            let document = try writer.finish(on: c)
            let id = Int64(try c.execute(
                """
                INSERT INTO mail_messages (company_id, document_id, client_ip, helo, return_path, recipients_json, byte_count, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                envelope.companyID, document.id, envelope.clientIP, String(envelope.helo.prefix(255)),
                String(envelope.returnPath.prefix(254)), recipients, raw.count, now
            ).lastInsertID)
            try WorkQueue.enqueue(
                on: c, kind: Self.processKind, payload: "{\"mail_message_id\":\(id)}", runAt: now, maxAttempts: 10,
                dedupeKey: "mail.intake.\(id)")
            return id
        }
    }

    // MARK: - Processing

    /// What processing decided for a message.
    public enum Outcome: Sendable, Equatable {
        /// Faxes were created, one per recipient.
        case accepted(faxIDs: [Int64])
        /// Nothing was created; the result code and the reason go into the notice.
        case refused(ResultCode, String)
        /// The message was processed before (a repeated work item).
        case alreadyProcessed
    }

    /// Turns a stored message into faxes or a refusal and queues its notice. Safe to repeat.
    @discardableResult
    public func process(messageID: Int64, now: Date = Date()) async throws -> Outcome {
        guard let row = try await database.query(
            "SELECT company_id, document_id, state, return_path, recipients_json, client_ip, helo FROM mail_messages WHERE id = ?", messageID
        ).first else { return .alreadyProcessed }
        guard try row.get("state", as: String.self) == "received" else { return .alreadyProcessed }
        let companyID: Int64 = try row.get("company_id")
        let documentID: Int64 = try row.get("document_id")
        let returnPath: String = try row.get("return_path")
        let recipients = try JSONDecoder().decode([String].self, from: Data(try row.get("recipients_json", as: String.self).utf8))
        let raw = try await documents.read(documentID, companyID: companyID, reader: .system(purpose: "e-mail to fax intake"))

        let parsed: ParsedMail
        do {
            parsed = try parser.parse(raw)
        } catch {
            let mail = ParsedMail(fromAddress: nil)
            return try await finish(
                messageID, companyID: companyID, documentID: documentID, mail: mail, returnPath: returnPath, user: nil,
                outcome: .refused(.invalidAttachment, "the message could not be read as MIME: \(error)"), recipients: recipients, now: now)
        }
        let senders = SendingAddressRepository(database: database)
        let user = try await parsed.fromAddress.asyncMap { try await senders.authorisedSender($0, companyID: companyID) } ?? nil
        let envelope = (ip: try row.get("client_ip", as: String.self), helo: try row.get("helo", as: String.self), returnPath: returnPath)
        let outcome = try await decide(parsed, user: user, envelope: envelope, recipients: recipients, messageID: messageID, companyID: companyID, now: now)
        return try await finish(
            messageID, companyID: companyID, documentID: documentID, mail: parsed, returnPath: returnPath, user: user,
            outcome: outcome, recipients: recipients, now: now)
    }

    /// The last attempt to process a message failed (the vault or the database kept failing):
    /// the message is refused with `general_error` and answered at its return path, so no
    /// message that got a 250 ever ends unanswered.
    public func giveUp(messageID: Int64, reason: String, now: Date = Date()) async throws {
        guard let row = try await database.query(
            "SELECT company_id, document_id, state, return_path, recipients_json FROM mail_messages WHERE id = ?", messageID
        ).first, try row.get("state", as: String.self) == "received" else { return }
        let recipients = try JSONDecoder().decode([String].self, from: Data(try row.get("recipients_json", as: String.self).utf8))
        _ = try await finish(
            messageID, companyID: try row.get("company_id"), documentID: try row.get("document_id"), mail: ParsedMail(fromAddress: nil),
            returnPath: try row.get("return_path"), user: nil,
            outcome: .refused(.generalError, "the message could not be processed (\(reason)); please send it again"),
            recipients: recipients, now: now)
    }

    private func decide(
        _ mail: ParsedMail, user: User?, envelope: (ip: String, helo: String, returnPath: String), recipients: [String], messageID: Int64,
        companyID: Int64, now: Date
    ) async throws -> Outcome {
        guard let user else {
            let from = mail.fromAddress.map { SendingAddressRepository.normalise($0) } ?? "(no From address)"
            return .refused(.unauthorizedSender, "\(from) is not a registered sending address of a user of this company")
        }
        let settings = SettingsRepository(database: database)
        if try await settings.effective(Settings.requireSPF, forUser: user.id).value {
            let result = await spf?.check(ip: envelope.ip, mailFrom: envelope.returnPath, helo: envelope.helo) ?? .none
            guard result == .pass else {
                let sender = envelope.returnPath.isEmpty ? envelope.helo : envelope.returnPath
                return .refused(.unauthorizedSender, "your company requires SPF to pass; the SPF result for \(envelope.ip) sending as \(sender) is \(result.rawValue)")
            }
        }
        if let unreadable = mail.unreadablePart { return .refused(.invalidAttachment, unreadable) }
        for attachment in mail.attachments {
            if let problem = classifier.problem(with: attachment) {
                let name = attachment.name.isEmpty ? "an attachment (\(attachment.contentType))" : attachment.name
                return .refused(.invalidAttachment, "\(name): \(problem)")
            }
        }
        let behaviour = try await settings.effective(Settings.coverPageBehaviour, forUser: user.id).value
        let hasBody = !mail.bodyText.isEmpty
        let cover: Bool
        let requiresAttachment: Bool
        switch behaviour {
        case .automatic: (cover, requiresAttachment) = (true, false)
        case .automaticRequiresAttachment: (cover, requiresAttachment) = (true, true)
        // On e-mail, asking for a cover page means writing a message in the body.
        case .onDemand, .withBodyText: (cover, requiresAttachment) = (hasBody, false)
        case .onDemandRequiresAttachment, .withBodyTextRequiresAttachment: (cover, requiresAttachment) = (hasBody, true)
        case .none: (cover, requiresAttachment) = (false, true)
        }
        if mail.attachments.isEmpty && (requiresAttachment || !cover) {
            return .refused(.noAttachment, requiresAttachment
                ? "attach at least one document (your account does not send a cover page on its own)"
                : "attach at least one document, or write a message in the body for a cover page")
        }
        let key = "mail-\(messageID)"
        let hash = SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
        let numbers = recipients.compactMap { try? FaxMailAddress(parsing: $0).number.value }
        var unique: [String] = []
        for n in numbers where !unique.contains(n) { unique.append(n) }
        // A repeated run after a crash finds the faxes of the first and stores nothing again.
        let earlier = try await database.query(
            "SELECT id FROM faxes WHERE user_id = ? AND idempotency_key = ? ORDER BY id", user.id, key)
        var documentIDs: [Int64] = []
        var coverID: Int64?
        if earlier.isEmpty {
            for attachment in mail.attachments {
                let stored = try await documents.put(
                    companyID: companyID, accountID: user.accountID, kind: .original,
                    contentType: attachment.contentType.isEmpty ? "application/octet-stream" : attachment.contentType,
                    bytes: attachment.bytes, now: now)
                documentIDs.append(stored.id)
            }
            if cover {
                let template = try await CoverPageCatalog(database: database).choose(nil, forUser: user.id)
                let fields = CoverPageRequest(template: template, subject: mail.subject, message: mail.bodyText, senderName: mail.fromName)
                let stored = try await documents.put(
                    companyID: companyID, accountID: user.accountID, kind: .original, contentType: CoverPageRequest.contentType,
                    bytes: try fields.encoded(), now: now)
                coverID = stored.id
            }
        }
        do {
            var submission = OutboundSubmission(
                recipients: unique, documentIDs: documentIDs, coverPage: cover, coverDocumentID: coverID,
                idempotencyKey: key, requestHash: hash)
            // The gateway's own mail.notice answers the sender (accepted or refused); no second one.
            submission.acceptedNotice = false
            let ids = try await FaxScheduler(database: database).submit(
                submission,
                userID: user.id, scope: AccountScope(rootID: companyID, path: try companyPath(companyID)), now: now)
            return .accepted(faxIDs: ids)
        } catch let SubmissionError.refused(code, reason) {
            return .refused(code, reason)
        }
    }

    private func companyPath(_ companyID: Int64) async throws -> String {
        guard let row = try await database.query("SELECT path FROM accounts WHERE id = ?", companyID).first else { throw AccountError.notFound }
        return try row.get("path")
    }

    private func finish(
        _ messageID: Int64, companyID: Int64, documentID: Int64, mail: ParsedMail, returnPath: String, user: User?,
        outcome: Outcome, recipients: [String], now: Date
    ) async throws -> Outcome {
        let automatic = AutomaticMail.reason(returnPath: returnPath, headers: mail.automaticHeaders)
        // Accepted mail is answered at the registered address; a refusal at the return path (RFC 3834).
        let noticeTo = user != nil ? SendingAddressRepository.normalise(mail.fromAddress ?? returnPath) : returnPath
        let notice = automatic == nil && !noticeTo.isEmpty
            ? MailNoticeText.notice(for: outcome, mail: mail, recipients: recipients, to: noticeTo, messageID: messageID) : nil
        let state: String, code: String, detail: String, faxIDs: [Int64]
        switch outcome {
        case .accepted(let ids): (state, code, detail, faxIDs) = ("accepted", ResultCode.ok.rawValue, "\(ids.count) fax(es) submitted", ids)
        case .refused(let c, let reason): (state, code, detail, faxIDs) = ("refused", c.rawValue, reason, [])
        case .alreadyProcessed: return outcome
        }
        let noticeState = notice != nil ? "queued" : (automatic != nil ? "suppressed_automatic" : "no_address")
        let fromAddress = mail.fromAddress.map { String(SendingAddressRepository.normalise($0).prefix(254)) }
        let faxJSON = String(decoding: try JSONEncoder().encode(faxIDs), as: UTF8.self)
        try await database.transaction { c in
            let changed = try c.execute(
                """
                UPDATE mail_messages SET state = ?, result_code = ?, detail = ?, user_id = ?, from_address = ?, fax_ids_json = ?,
                    notice = ?, processed_at = ? WHERE id = ? AND state = 'received'
                """,
                state, code, String(detail.prefix(1000)), user?.id, fromAddress, faxJSON, noticeState, now, messageID)
            guard changed.affectedRows == 1 else { return }
            try notice?.enqueue(on: c, now: now)
        }
        // The raw message stays readable by the company's key holders only.
        try await documents.releaseTransitAccess(companyID: companyID, documentIDs: [documentID])
        logger.info("mail message processed", metadata: [
            "mail.id": "\(messageID)", "mail.result": "\(code)", "fax.ids": "\(faxIDs)", "mail.notice": "\(noticeState)",
        ])
        return outcome
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): try await transform(value)
        case .none: nil
        }
    }
}
