import Foundation

/// The states of a port request: New → Pending → In Progress → Scheduled (FOC) → Completed, or
/// Rejected (corrected and resubmitted) or Cancelled. The customer signs and submits; the porting
/// team moves it on. Each change is a system note, and the contact hears of it by e-mail.
extension PortRequestRepository {
    /// The latest signature of a request's LOA, the terms it covers and the signed PDF.
    public struct SignatureRecord: Sendable, Equatable {
        public let signature: LetterOfAuthorization.Signature
        public let termsDigest: String
        public let documentID: Int64?
    }

    /// The latest signature of `requestID`, if it was ever signed.
    public func latestSignature(of requestID: Int64, scope: AccountScope) async throws -> SignatureRecord? {
        try await database.withConnection { c in
            guard try Self.fetch(c, id: requestID, scope: scope) != nil else { throw PortRequestError.notFound }
            return try Self.latestSignature(c, requestID)
        }
    }

    /// Records the electronic signature of the LOA whose terms had `termsDigest` (the digest the
    /// signer was shown) and the signed PDF already stored in the vault. Refused when the request
    /// changed in between: the signer must see what they sign.
    public func sign(_ requestID: Int64, signature: LetterOfAuthorization.Signature, termsDigest: String, signedDocumentID: Int64,
                     by actor: Actor, scope: AccountScope, now: Date = Date()) async throws {
        var problems: [PortRequestError.FieldProblem] = []
        let name = signature.name.trimmingCharacters(in: .whitespaces), title = signature.title.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.count > 200 { problems.append(.init(field: "signer_name", reason: "type your full name to sign")) }
        if title.isEmpty || title.count > 200 { problems.append(.init(field: "signer_title", reason: "give your title")) }
        if (try? #/^\d{4}-\d{2}-\d{2}$/#.wholeMatch(in: signature.date)) == nil { problems.append(.init(field: "signed_on", reason: "the date is yyyy-mm-dd")) }
        guard problems.isEmpty else { throw PortRequestError.invalid(problems) }
        try await database.transaction { c in
            guard let request = try Self.fetch(c, id: requestID, scope: scope, lock: true) else { throw PortRequestError.notFound }
            guard request.state == .new || request.state == .rejected else { throw PortRequestError.wrongState(request.state, "be signed") }
            let current = LetterOfAuthorization(trackingID: request.trackingID, details: request.details, gainingProvider: "").termsDigest
            guard current == termsDigest else {
                throw PortRequestError.letterChanged
            }
            try c.execute(
                """
                INSERT INTO port_request_signatures (request_id, signer_name, signer_title, signed_on, signer_ip, signed_by, terms_digest, document_id, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, requestID, name, title, signature.date, String(signature.ip.prefix(45)), actor.userID, termsDigest, signedDocumentID, signature.at)
            try c.execute(
                "INSERT INTO port_request_documents (request_id, document_id, kind, file_name, uploaded_by, created_at) VALUES (?, ?, 'signed_loa', ?, ?, ?)",
                requestID, signedDocumentID, "LOA-\(request.trackingID)-signed.pdf", actor.userID, now)
            try Self.note(c, requestID, .system, staff: false, automatic: true, "Letter of authorization signed by \(name) (\(title)).", now)
        }
    }

    /// What still keeps `request` from being submitted, in words for the customer (empty when ready).
    public func missingForSubmission(_ requestID: Int64, scope: AccountScope) async throws -> [String] {
        try await database.withConnection { c in
            guard let request = try Self.fetch(c, id: requestID, scope: scope) else { throw PortRequestError.notFound }
            return try Self.missing(c, request)
        }
    }

    /// Sends a new or corrected request to the porting team (state `pending`). It needs a CSR and an
    /// LOA signed for the request's current BTN, business name, addresses and numbers.
    public func submit(_ requestID: Int64, by actor: Actor, scope: AccountScope, now: Date = Date()) async throws {
        try await database.transaction { c in
            guard let request = try Self.fetch(c, id: requestID, scope: scope, lock: true) else { throw PortRequestError.notFound }
            guard request.state == .new || request.state == .rejected else { throw PortRequestError.wrongState(request.state, "be submitted") }
            let missing = try Self.missing(c, request)
            guard missing.isEmpty else { throw PortRequestError.incomplete(missing) }
            try c.execute(
                "UPDATE port_requests SET state = 'pending', submitted_at = ?, updated_at = ? WHERE id = ?", now, now, requestID)
            try Self.note(c, requestID, .system, staff: false, automatic: true,
                          request.state == .rejected ? "Resubmitted by \(actor.name)." : "Submitted by \(actor.name).", now)
            try PortNotice.record(on: c, requestID: requestID, event: .submitted, now: now)
        }
    }

    /// The porting team sent the request to the losing carrier; its details are frozen.
    public func startProgress(_ requestID: Int64, by actor: Actor, scope: AccountScope, now: Date = Date()) async throws {
        try await move(requestID, from: [.pending], to: .inProgress, action: "be started", by: actor, scope: scope, now: now,
                       note: "Sent to the current carrier by \(actor.name).", notice: .inProgress)
    }

    /// The carrier confirmed the firm order commitment date (`yyyy-MM-dd`); it may change again.
    public func schedule(_ requestID: Int64, focDate: String, by actor: Actor, scope: AccountScope, now: Date = Date()) async throws {
        guard let date = Self.dayFormatter.date(from: focDate), Self.dayFormatter.string(from: date) == focDate else {
            throw PortRequestError.invalid([.init(field: "foc_date", reason: "the FOC date is yyyy-mm-dd")])
        }
        try await move(requestID, from: [.inProgress, .scheduled], to: .scheduled, action: "be scheduled", by: actor, scope: scope, now: now,
                       note: "FOC date set to \(focDate) by \(actor.name).", notice: .scheduled) { c in
            try c.execute("UPDATE port_requests SET foc_date = ? WHERE id = ?", focDate, requestID)
        }
    }

    /// The numbers are ours: they leave "pending port" for the company's inventory, unassigned and
    /// marked ported, or assigned to the user the request names.
    public func complete(_ requestID: Int64, by actor: Actor, scope: AccountScope, now: Date = Date()) async throws {
        try await move(requestID, from: [.inProgress, .scheduled], to: .completed, action: "be completed", by: actor, scope: scope, now: now,
                       note: "Port completed by \(actor.name); the numbers can receive faxes.", notice: .completed) { c in
            guard let request = try Self.fetch(c, id: requestID, scope: nil) else { return }
            var assignTo: (userID: Int64, accountID: Int64)?
            if let userID = request.details.assignToUserID, let user = try UserRepository.fetch(c, id: userID, scope: nil), user.status == .active {
                assignTo = (userID, user.accountID)
            }
            for number in request.details.numbers {
                if let assignTo {
                    try c.execute(
                        "UPDATE numbers SET state = 'assigned', ported = 1, user_id = ?, account_id = ?, updated_at = ? WHERE e164 = ? AND state = 'pending_port'",
                        assignTo.userID, assignTo.accountID, now, number)
                } else {
                    try c.execute("UPDATE numbers SET state = 'unassigned', ported = 1, updated_at = ? WHERE e164 = ? AND state = 'pending_port'", now, number)
                }
            }
            try c.execute("UPDATE port_requests SET completed_at = ? WHERE id = ?", now, requestID)
        }
    }

    /// The carrier or the porting team refused the request; `reason` says what the customer must correct.
    public func reject(_ requestID: Int64, reason: String, by actor: Actor, scope: AccountScope, now: Date = Date()) async throws {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 1000 else {
            throw PortRequestError.invalid([.init(field: "reason", reason: "say why the port was rejected and what to correct (at most 1,000 characters)")])
        }
        try await move(requestID, from: [.pending, .inProgress, .scheduled], to: .rejected, action: "be rejected", by: actor, scope: scope, now: now,
                       note: "Rejected by \(actor.name): \(reason)", notice: .rejected) { c in
            try c.execute("UPDATE port_requests SET rejection_reason = ?, foc_date = NULL WHERE id = ?", reason, requestID)
        }
    }

    /// Withdraws a request that has not completed (customer or porting team); its numbers leave the inventory.
    public func cancel(_ requestID: Int64, by actor: Actor, scope: AccountScope, now: Date = Date()) async throws {
        try await database.transaction { c in
            guard let request = try Self.fetch(c, id: requestID, scope: scope, lock: true) else { throw PortRequestError.notFound }
            guard !request.state.isFinal else { throw PortRequestError.wrongState(request.state, "be cancelled") }
            for number in request.details.numbers {
                try c.execute("DELETE FROM numbers WHERE e164 = ? AND state = 'pending_port' AND account_id = ?", number, request.companyID)
            }
            try c.execute("UPDATE port_requests SET state = 'cancelled', updated_at = ? WHERE id = ?", now, requestID)
            try Self.note(c, requestID, .system, staff: false, automatic: true, "Cancelled by \(actor.name).", now)
            if request.state != .new { try PortNotice.record(on: c, requestID: requestID, event: .cancelled, now: now) }
        }
    }

    // MARK: - Private

    private func move(_ requestID: Int64, from allowed: Set<PortRequest.State>, to state: PortRequest.State, action: String, by actor: Actor,
                      scope: AccountScope, now: Date, note: String, notice: PortNotice.Event,
                      also: @escaping @Sendable (DatabaseConnection) throws -> Void = { _ in }) async throws {
        try await database.transaction { c in
            guard let request = try Self.fetch(c, id: requestID, scope: scope, lock: true) else { throw PortRequestError.notFound }
            try Self.requireStaff(c, scope)
            guard allowed.contains(request.state) else { throw PortRequestError.wrongState(request.state, action) }
            try c.execute("UPDATE port_requests SET state = ?, updated_at = ? WHERE id = ?", state.rawValue, now, requestID)
            try also(c)
            try Self.note(c, requestID, actor, staff: true, automatic: true, note, now)
            try PortNotice.record(on: c, requestID: requestID, event: notice, now: now)
        }
    }

    static func latestSignature(_ c: DatabaseConnection, _ requestID: Int64) throws -> SignatureRecord? {
        guard let row = try c.query(
            """
            SELECT signer_name, signer_title, DATE_FORMAT(signed_on, '%Y-%m-%d') AS signed_on, signer_ip, at, terms_digest, document_id
            FROM port_request_signatures WHERE request_id = ? ORDER BY id DESC LIMIT 1
            """, requestID
        ).first else { return nil }
        return SignatureRecord(
            signature: .init(name: try row.get("signer_name"), title: try row.get("signer_title"), date: try row.get("signed_on"),
                             ip: try row.get("signer_ip"), at: try row.get("at")),
            termsDigest: try row.get("terms_digest"), documentID: try row.optional("document_id"))
    }

    static func missing(_ c: DatabaseConnection, _ request: PortRequest) throws -> [String] {
        var missing: [String] = []
        let kinds = Set(try c.query("SELECT DISTINCT kind FROM port_request_documents WHERE request_id = ?", request.id).map { try $0.get("kind", as: String.self) })
        if !kinds.contains(Document.Kind.csr.rawValue) { missing.append("upload the customer service record (CSR) from your current carrier") }
        let digest = LetterOfAuthorization(trackingID: request.trackingID, details: request.details, gainingProvider: "").termsDigest
        switch try latestSignature(c, request.id) {
        case nil: missing.append("sign the letter of authorization")
        case let record? where record.termsDigest != digest:
            missing.append("sign the letter of authorization again: the BTN, business name, service address or numbers changed since it was signed")
        default: break
        }
        return missing
    }

    static let dayFormatter: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f
    }()
}
