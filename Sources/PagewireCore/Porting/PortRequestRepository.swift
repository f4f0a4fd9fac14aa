import Foundation

/// Port requests (`port_requests` and their numbers, documents, signatures and notes).
///
/// Customers (a company's admins) see the requests of their company subtree; the porting team
/// (platform or reseller staff) see those of the companies below them. Both reach a request
/// only inside their scope. Every change of state is recorded as a system note and, where the
/// customer must hear of it, queues a `port.notice` e-mail in the same transaction.
public struct PortRequestRepository: Sendable {
    public let database: Database

    public init(database: Database) { self.database = database }

    /// Who acts on a request: their user id and name for the notes.
    public struct Actor: Sendable, Equatable {
        public let userID: Int64?
        public let name: String
        public init(userID: Int64?, name: String) {
            self.userID = userID
            self.name = name
        }
        /// The platform itself (automatic notes).
        public static let system = Actor(userID: nil, name: "Pagewire")
    }

    /// A file attached to a request.
    public struct Document: Sendable, Equatable {
        public enum Kind: String, Sendable, CaseIterable {
            /// The customer service record from the losing carrier.
            case csr
            /// The last bill of the losing carrier.
            case bill
            /// The generated LOA, unsigned.
            case loa
            /// The LOA with the electronic signature record.
            case signedLOA = "signed_loa"
            case other
        }
        public let documentID: Int64
        public let kind: Kind
        public let fileName: String
        public let createdAt: Date
    }

    /// One message of the thread between customer and porting team, or a system note.
    public struct Note: Sendable, Equatable {
        public let id: Int64
        public let authorName: String
        public let staff: Bool
        public let automatic: Bool
        public let body: String
        public let createdAt: Date
    }

    // MARK: - Creating and editing

    /// Creates a request in state `new` at `accountID` (a company or department inside `scope`).
    /// Its numbers join the company's inventory at once as pending a port, so nobody else can
    /// take them and they answer no call until the port completes.
    public func create(_ details: PortRequestDetails, accountID: Int64, by actor: Actor, scope: AccountScope, now: Date = Date()) async throws -> PortRequest {
        let details = try details.validated()
        return try await database.transaction { c in
            guard let account = try AccountRepository.fetch(c, id: accountID, scope: scope), let companyID = account.companyID,
                  let company = try AccountRepository.fetch(c, id: companyID, scope: nil), let poolID = company.parentID else { throw PortRequestError.notFound }
            try Self.checkAssignee(c, details.assignToUserID, companyID: companyID)
            let addresses = String(decoding: try JSONEncoder().encode(details.serviceAddresses), as: UTF8.self)
            let id = Int64(try c.execute(
                """
                INSERT INTO port_requests (tracking_id, company_id, account_id, created_by, state, contact_name, contact_email, contact_phone,
                    country_code, btn, business_name, service_addresses_json, instructions, assign_user_id, created_at, updated_at)
                VALUES (?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                Self.newTrackingID(), companyID, accountID, actor.userID, details.contactName, details.contactEmail, details.contactPhone,
                details.countryCode, details.billingTelephoneNumber, details.businessName, addresses, details.instructions,
                details.assignToUserID, now, now).lastInsertID)
            for number in details.numbers {
                try Self.addNumber(c, number, requestID: id, companyID: companyID, poolID: poolID, now: now)
            }
            try Self.note(c, id, .system, staff: false, automatic: true, "Request created by \(actor.name) for \(details.numbers.count) number(s).", now)
            return try Self.fetch(c, id: id, scope: nil)!
        }
    }

    /// Changes the details of a request that is not yet in progress. Numbers removed leave the
    /// inventory; numbers added join it as pending. A signature given for other terms no longer
    /// counts (submission asks for a new one).
    @discardableResult
    public func update(_ requestID: Int64, details: PortRequestDetails, by actor: Actor, scope: AccountScope, now: Date = Date()) async throws -> PortRequest {
        let details = try details.validated()
        return try await database.transaction { c in
            guard let request = try Self.fetch(c, id: requestID, scope: scope, lock: true) else { throw PortRequestError.notFound }
            guard request.state.isEditable else { throw PortRequestError.wrongState(request.state, "be edited") }
            guard let company = try AccountRepository.fetch(c, id: request.companyID, scope: nil), let poolID = company.parentID else { throw PortRequestError.notFound }
            try Self.checkAssignee(c, details.assignToUserID, companyID: request.companyID)
            let addresses = String(decoding: try JSONEncoder().encode(details.serviceAddresses), as: UTF8.self)
            try c.execute(
                """
                UPDATE port_requests SET contact_name = ?, contact_email = ?, contact_phone = ?, country_code = ?, btn = ?, business_name = ?,
                    service_addresses_json = ?, instructions = ?, assign_user_id = ?, updated_at = ? WHERE id = ?
                """,
                details.contactName, details.contactEmail, details.contactPhone, details.countryCode, details.billingTelephoneNumber,
                details.businessName, addresses, details.instructions, details.assignToUserID, now, requestID)
            let old = Set(request.details.numbers), new = Set(details.numbers)
            for number in old.subtracting(new) {
                try c.execute("DELETE FROM port_request_numbers WHERE request_id = ? AND e164 = ?", requestID, number)
                try c.execute("DELETE FROM numbers WHERE e164 = ? AND state = 'pending_port' AND account_id = ?", number, request.companyID)
            }
            for number in details.numbers where !old.contains(number) {
                try Self.addNumber(c, number, requestID: requestID, companyID: request.companyID, poolID: poolID, now: now)
            }
            try Self.note(c, requestID, .system, staff: false, automatic: true, "Details changed by \(actor.name).", now)
            // A submitted request whose LOA terms changed goes back to New: sign again, submit again.
            let before = LetterOfAuthorization(trackingID: request.trackingID, details: request.details, gainingProvider: "").termsDigest
            let after = LetterOfAuthorization(trackingID: request.trackingID, details: details, gainingProvider: "").termsDigest
            if request.state == .pending && before != after {
                try c.execute("UPDATE port_requests SET state = 'new' WHERE id = ?", requestID)
                try Self.note(c, requestID, .system, staff: false, automatic: true,
                              "The BTN, business name, service address or numbers changed: the request is back to New until the letter of authorization is signed again and the request resubmitted.", now)
            }
            return try Self.fetch(c, id: requestID, scope: nil)!
        }
    }

    // MARK: - Reading

    /// The request `id` if it is inside `scope`.
    public func get(_ id: Int64, scope: AccountScope) async throws -> PortRequest? {
        try await database.withConnection { try Self.fetch($0, id: id, scope: scope) }
    }

    /// The requests inside `scope`, newest first, optionally in one state.
    public func list(scope: AccountScope, state: PortRequest.State? = nil, limit: Int = 200) async throws -> [PortRequest] {
        try await database.withConnection { c in
            var sql = "SELECT \(PortRequest.columns) FROM port_requests p JOIN accounts a ON a.id = p.account_id WHERE a.path LIKE ?"
            var binds: [any SQLEncodable] = [scope.pathPattern]
            if let state { sql += " AND p.state = ?"; binds.append(state.rawValue) }
            sql += " ORDER BY p.id DESC LIMIT ?"
            binds.append(limit)
            let rows = try c.query(sql, binds)
            return try rows.map { try PortRequest(row: $0, numbers: Self.numbers(c, try $0.get("id"))) }
        }
    }

    /// The files of a request, newest first.
    public func documents(of requestID: Int64, scope: AccountScope) async throws -> [Document] {
        try await database.withConnection { c in
            guard try Self.fetch(c, id: requestID, scope: scope) != nil else { throw PortRequestError.notFound }
            return try c.query(
                "SELECT document_id, kind, file_name, created_at FROM port_request_documents WHERE request_id = ? ORDER BY created_at DESC, document_id DESC",
                requestID
            ).map { row in
                Document(documentID: try row.get("document_id"), kind: Document.Kind(rawValue: try row.get("kind")) ?? .other,
                         fileName: try row.get("file_name"), createdAt: try row.get("created_at"))
            }
        }
    }

    /// The notes thread of a request, oldest first.
    public func notes(of requestID: Int64, scope: AccountScope) async throws -> [Note] {
        try await database.withConnection { c in
            guard try Self.fetch(c, id: requestID, scope: scope) != nil else { throw PortRequestError.notFound }
            return try c.query(
                "SELECT id, author_name, staff, automatic, body, created_at FROM port_request_notes WHERE request_id = ? ORDER BY id", requestID
            ).map { row in
                Note(id: try row.get("id"), authorName: try row.get("author_name"), staff: try row.get("staff"), automatic: try row.get("automatic"),
                     body: try row.get("body"), createdAt: try row.get("created_at"))
            }
        }
    }

    // MARK: - Files and notes

    /// Records a file already stored in the vault as one of the request's documents.
    public func attach(_ documentID: Int64, kind: Document.Kind, fileName: String, to requestID: Int64, by actor: Actor,
                       scope: AccountScope, now: Date = Date()) async throws {
        try await database.transaction { c in
            guard let request = try Self.fetch(c, id: requestID, scope: scope, lock: true) else { throw PortRequestError.notFound }
            guard !request.state.isFinal else { throw PortRequestError.wrongState(request.state, "take new files") }
            let name = String(fileName.filter { !$0.isNewline && $0 != "\0" }.prefix(255))
            try c.execute(
                "INSERT INTO port_request_documents (request_id, document_id, kind, file_name, uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                requestID, documentID, kind.rawValue, name.isEmpty ? kind.rawValue : name, actor.userID, now)
            try Self.note(c, requestID, .system, staff: false, automatic: true, "\(actor.name) added \(Self.describe(kind)): \(name).", now)
        }
    }

    /// Adds a message to the thread; staff messages are e-mailed to the request's contact.
    @discardableResult
    public func addNote(_ body: String, to requestID: Int64, by actor: Actor, staff: Bool, scope: AccountScope, now: Date = Date()) async throws -> Int64 {
        let body = body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty, body.count <= 4000 else { throw PortRequestError.invalid([.init(field: "note", reason: "a note has 1 to 4,000 characters")]) }
        return try await database.transaction { c in
            guard try Self.fetch(c, id: requestID, scope: scope, lock: true) != nil else { throw PortRequestError.notFound }
            if staff { try Self.requireStaff(c, scope) }
            let id = try Self.note(c, requestID, actor, staff: staff, automatic: false, body, now)
            if staff { try PortNotice.record(on: c, requestID: requestID, event: .note, now: now) }
            return id
        }
    }

    // MARK: - Helpers shared with the workflow

    static func fetch(_ c: DatabaseConnection, id: Int64, scope: AccountScope?, lock: Bool = false) throws -> PortRequest? {
        let suffix = lock ? " FOR UPDATE" : ""
        let row: SQLRow?
        if let scope {
            row = try c.query(
                "SELECT \(PortRequest.columns) FROM port_requests p JOIN accounts a ON a.id = p.account_id WHERE p.id = ? AND a.path LIKE ?\(suffix)",
                id, scope.pathPattern).first
        } else {
            row = try c.query("SELECT \(PortRequest.columns) FROM port_requests p WHERE p.id = ?\(suffix)", id).first
        }
        guard let row else { return nil }
        return try PortRequest(row: row, numbers: numbers(c, id))
    }

    static func numbers(_ c: DatabaseConnection, _ requestID: Int64) throws -> [String] {
        try c.query("SELECT e164 FROM port_request_numbers WHERE request_id = ? ORDER BY e164", requestID).map { try $0.get("e164") }
    }

    @discardableResult
    static func note(_ c: DatabaseConnection, _ requestID: Int64, _ actor: Actor, staff: Bool, automatic: Bool, _ body: String, _ now: Date) throws -> Int64 {
        Int64(try c.execute(
            "INSERT INTO port_request_notes (request_id, author_id, author_name, staff, automatic, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            requestID, actor.userID, String(actor.name.prefix(254)), staff, automatic, body, now).lastInsertID)
    }

    /// The porting team works from a platform or reseller node; a company's own admins are customers.
    static func requireStaff(_ c: DatabaseConnection, _ scope: AccountScope) throws {
        guard let root = try AccountRepository.fetch(c, id: scope.rootID, scope: nil), root.kind == .platform || root.kind == .reseller else {
            throw PortRequestError.staffOnly
        }
    }

    private static func addNumber(_ c: DatabaseConnection, _ e164: String, requestID: Int64, companyID: Int64, poolID: Int64, now: Date) throws {
        do {
            try c.execute(
                """
                INSERT INTO numbers (e164, pool_account_id, account_id, state, ported, area_code, created_at, updated_at)
                VALUES (?, ?, ?, 'pending_port', 1, ?, ?, ?)
                """, e164, poolID, companyID, FaxNumber.areaCode(of: e164), now, now)
        } catch let error as DatabaseError where error.kind == .duplicateKey {
            throw PortRequestError.numberTaken(e164)
        }
        try c.execute("INSERT INTO port_request_numbers (request_id, e164) VALUES (?, ?)", requestID, e164)
    }

    private static func checkAssignee(_ c: DatabaseConnection, _ userID: Int64?, companyID: Int64) throws {
        guard let userID else { return }
        guard let user = try UserRepository.fetch(c, id: userID, scope: nil),
              try AccountRepository.fetch(c, id: user.accountID, scope: nil)?.companyID == companyID else {
            throw PortRequestError.invalid([.init(field: "assign_user", reason: "the user to receive on the numbers must belong to the company")])
        }
    }

    static func describe(_ kind: Document.Kind) -> String {
        switch kind {
        case .csr: "the customer service record"
        case .bill: "the last bill"
        case .loa: "the letter of authorization"
        case .signedLOA: "the signed letter of authorization"
        case .other: "a file"
        }
    }

    private static func newTrackingID() -> String {
        let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
        return "PRT-" + String((0..<8).map { _ in alphabet.randomElement()! })
    }
}
